"""AMQP section handling against messages encoded by the azure-servicebus SDK itself."""

from datetime import timedelta
from typing import Any

from azure.servicebus import ServiceBusMessage
from azure.servicebus._pyamqp import utils
from azure.servicebus._pyamqp._decode import decode_payload
from azure.servicebus._pyamqp._encode import encode_payload
from azure.servicebus._pyamqp.message import BatchMessage
from azure.servicebus._transport._pyamqp_transport import PyamqpTransport

from devhost.servicebus import amqp_codec as codec


def sdk_encoded(message: ServiceBusMessage) -> bytes:
    out = bytearray()
    encode_payload(out, PyamqpTransport.to_outgoing_amqp_message(message.raw_amqp_message))
    return bytes(out)


def sdk_batch(*messages: ServiceBusMessage) -> bytes:
    batch: Any = PyamqpTransport.build_batch_message([])
    for message in messages:
        utils.add_batch(batch, PyamqpTransport.to_outgoing_amqp_message(message.raw_amqp_message))
    out = bytearray()
    encode_payload(out, BatchMessage(*batch))
    return bytes(out)


MESSAGE = ServiceBusMessage(
    '{"event": "run.created"}',
    application_properties={"event_type": "run.created", "n": 3},
    message_id="m-1",
    correlation_id="c-1",
    subject="subj",
    content_type="application/json",
)


def test_single_message_is_not_a_batch() -> None:
    raw = sdk_encoded(MESSAGE)
    assert codec.unpack_batch(raw) == [raw]


def test_batch_unpacks_into_the_inner_messages() -> None:
    second = ServiceBusMessage(b"\x00binary", application_properties={"event_type": "run.failed"})
    inner = codec.unpack_batch(sdk_batch(MESSAGE, second))
    assert inner == [sdk_encoded(MESSAGE), sdk_encoded(second)]


def test_view_and_body() -> None:
    raw = sdk_encoded(MESSAGE)
    view = codec.message_view(raw, 7)
    assert view.system_value("MessageId") == "m-1"
    assert view.system_value("label") == "subj"
    assert view.system_value("CorrelationId") == "c-1"
    assert view.system_value("SequenceNumber") == 7
    assert view.application_value("event_type") == "run.created"
    assert codec.body_bytes(raw) == b'{"event": "run.created"}'


def test_restamp_sets_header_and_annotations_for_the_sdk() -> None:
    raw = codec.restamp(sdk_encoded(MESSAGE), 2, {"x-opt-sequence-number": 42})
    decoded: Any = decode_payload(memoryview(raw))
    assert decoded.header.delivery_count == 2
    assert decoded.message_annotations[b"x-opt-sequence-number"] == 42
    assert decoded.properties.message_id == b"m-1"
    assert decoded.application_properties[b"n"] == 3
    assert decoded.data == [b'{"event": "run.created"}']


def test_application_properties_are_added() -> None:
    raw = codec.with_application_properties(sdk_encoded(MESSAGE), {"DeadLetterReason": "bad"})
    expected = {"event_type": "run.created", "n": 3, "DeadLetterReason": "bad"}
    assert codec.application_properties(raw) == expected
    assert codec.body_bytes(raw) == b'{"event": "run.created"}'


def test_ttl_from_header() -> None:
    message = ServiceBusMessage("x", time_to_live=timedelta(seconds=30))
    assert codec.header_ttl_ms(sdk_encoded(message)) == 30000
    assert codec.header_ttl_ms(sdk_encoded(MESSAGE)) is None
