"""AMQP section handling against messages put on the wire per AMQP 1.0 with proton (an encoder independent of
devhost's code; no private SDK module). What the azure-servicebus SDK itself sends, single messages and batches,
goes through these same functions in test_sdk_sync and test_sdk_async, via the broker."""

from typing import Any

from proton import Data, Message

from devhost.servicebus import amqp_codec as codec

BODY = b'{"event": "run.created"}'


def encoded(body: bytes = BODY, ttl_s: float | None = None, **fields: Any) -> bytes:
    """A message as a sender puts it on the wire: header, properties, application properties, one data section."""
    message = Message(body=body, inferred=True, **fields)
    if ttl_s is not None:
        message.ttl = ttl_s
    return bytes(message.encode())


def batch(*messages: bytes) -> bytes:
    """A Service Bus batch (message format 0x80013700): a body of data sections, each one encoded message."""
    data = Data()
    for message in messages:
        data.put_described()
        data.enter()
        data.put_ulong(codec.DATA)
        data.put_binary(message)
        data.exit()
    return bytes(data.encode())


def decoded(raw: bytes) -> Any:
    """The message proton decodes from ``raw`` (its sections typed loosely: Any)."""
    message = Message()
    message.decode(raw)
    return message


MESSAGE = encoded(
    id="m-1",
    correlation_id="c-1",
    subject="subj",
    content_type="application/json",
    properties={"event_type": "run.created", "n": 3},
)


def test_single_message_is_not_a_batch() -> None:
    assert codec.unpack_batch(MESSAGE) == [MESSAGE]


def test_batch_unpacks_into_the_inner_messages() -> None:
    second = encoded(b"\x00binary", properties={"event_type": "run.failed"})
    assert codec.unpack_batch(batch(MESSAGE, second)) == [MESSAGE, second]


def test_view_and_body() -> None:
    view = codec.message_view(MESSAGE, 7)
    assert view.system_value("MessageId") == "m-1"
    assert view.system_value("label") == "subj"
    assert view.system_value("CorrelationId") == "c-1"
    assert view.system_value("SequenceNumber") == 7
    assert view.application_value("event_type") == "run.created"
    assert codec.body_bytes(MESSAGE) == BODY


def test_restamp_sets_header_and_annotations_for_the_sdk() -> None:
    message = decoded(codec.restamp(MESSAGE, 2, {"x-opt-sequence-number": 42}))
    assert message.delivery_count == 2
    assert dict(message.annotations or {}) == {"x-opt-sequence-number": 42}
    assert message.id == "m-1"
    assert message.properties["n"] == 3
    assert bytes(message.body) == BODY


def test_application_properties_are_added() -> None:
    raw = codec.with_application_properties(MESSAGE, {"DeadLetterReason": "bad"})
    expected = {"event_type": "run.created", "n": 3, "DeadLetterReason": "bad"}
    assert codec.application_properties(raw) == expected
    assert codec.body_bytes(raw) == BODY


def test_ttl_from_header() -> None:
    assert codec.header_ttl_ms(encoded(ttl_s=30)) == 30000
    assert codec.header_ttl_ms(MESSAGE) is None
