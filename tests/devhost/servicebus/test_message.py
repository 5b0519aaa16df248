"""A message as the SDK receives it becomes the ServiceBusMessage the worker passes to the function."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from azure.servicebus._common.message import ServiceBusReceivedMessage
from azure.servicebus._pyamqp.message import Header, Message, Properties

from devhost.servicebus.message import to_function_message

ENQUEUED = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def received(**overrides: Any) -> ServiceBusReceivedMessage:
    """A received message built from AMQP sections, as the SDK decodes them off the wire."""
    fields: dict[str, Any] = {
        "header": Header(durable=True, priority=None, ttl=None, first_acquirer=None, delivery_count=2),
        "message_annotations": {
            b"x-opt-enqueued-time": int(ENQUEUED.timestamp() * 1000),
            b"x-opt-sequence-number": 17,
        },
        "properties": Properties(
            message_id=b"m-1", correlation_id=b"c-1", content_type=b"application/json", subject=b"run"
        ),
        "application_properties": {b"event_type": b"run.created", b"attempt": 2, b"flag": True},
        "data": [b'{"run_id": ', b'"r1"}'],
    }
    fields.update(overrides)
    return ServiceBusReceivedMessage(Message(**fields), receiver=None)


def test_body_properties_and_counts() -> None:
    message = to_function_message(received())
    assert message.get_body() == b'{"run_id": "r1"}'
    assert message.message_id == "m-1"
    assert message.correlation_id == "c-1"
    assert message.content_type == "application/json"
    assert message.label == message.subject == "run"
    assert message.delivery_count == 3
    assert message.sequence_number == 17
    assert message.enqueued_time_utc == ENQUEUED


def test_application_properties_are_decoded_from_bytes() -> None:
    message = to_function_message(received())
    expected = {"event_type": "run.created", "attempt": 2, "flag": True}
    assert message.application_properties == expected
    assert message.user_properties == expected


def test_value_body_becomes_json_and_missing_fields_are_none() -> None:
    message = to_function_message(received(data=None, value={b"k": [1, b"x"]}, properties=Properties(message_id="m-2")))
    assert message.get_body() == b'{"k": [1, "x"]}'
    assert message.correlation_id is None
    assert message.content_type is None
