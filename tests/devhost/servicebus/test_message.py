"""A message as the SDK receives it becomes the ServiceBusMessage the worker passes to the function.

The received messages come off the wire from the local broker through the SDK's public receiver, as the
devhost dispatcher gets them (no private SDK module builds them)."""

from __future__ import annotations

from typing import Any

from azure.servicebus import ServiceBusClient, ServiceBusMessage, ServiceBusReceivedMessage
from azure.servicebus.amqp import AmqpAnnotatedMessage, AmqpMessageProperties

from devhost.servicebus.message import to_function_message

from .conftest import TOPIC, Collect

PROPERTIES: dict[str | bytes, Any] = {"event_type": "run.created", "attempt": 2, "flag": True}


def received(
    client: ServiceBusClient, collect: Collect, message: ServiceBusMessage | AmqpAnnotatedMessage, abandons: int = 0
) -> ServiceBusReceivedMessage:
    """Send ``message`` to the topic and receive it on ``sub-orchestrator`` after ``abandons`` abandoned deliveries."""
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(message)
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        for _ in range(abandons):
            receiver.abandon_message(collect(receiver, 1)[0])
        [delivered] = collect(receiver, 1)
        receiver.complete_message(delivered)
    return delivered


def test_body_properties_and_counts(client: ServiceBusClient, collect: Collect) -> None:
    sent = ServiceBusMessage(
        b'{"run_id": "r1"}', message_id="m-1", correlation_id="c-1", content_type="application/json",
        subject="run", application_properties=PROPERTIES,
    )  # fmt: skip
    delivered = received(client, collect, sent, abandons=2)
    message = to_function_message(delivered)
    assert message.get_body() == b'{"run_id": "r1"}'
    assert message.message_id == "m-1"
    assert message.correlation_id == "c-1"
    assert message.content_type == "application/json"
    assert message.label == message.subject == "run"
    assert message.delivery_count == 3  # the host counts this delivery: two abandoned, then this one
    assert message.sequence_number == delivered.sequence_number is not None
    assert message.enqueued_time_utc == delivered.enqueued_time_utc is not None


def test_application_properties_are_decoded_from_bytes(client: ServiceBusClient, collect: Collect) -> None:
    message = to_function_message(received(client, collect, ServiceBusMessage("{}", application_properties=PROPERTIES)))
    expected = {"event_type": "run.created", "attempt": 2, "flag": True}
    assert message.application_properties == expected
    assert message.user_properties == expected


def test_value_body_becomes_json_and_missing_fields_are_none(client: ServiceBusClient, collect: Collect) -> None:
    sent = AmqpAnnotatedMessage(
        value_body={"k": [1, b"x"]},  # str keys: the local broker cannot decode binary map keys
        properties=AmqpMessageProperties(message_id="m-2"),
        application_properties={"event_type": "run.created"},
    )
    message = to_function_message(received(client, collect, sent))
    assert message.get_body() == b'{"k": [1, "x"]}'
    assert message.message_id == "m-2"
    assert message.correlation_id is None
    assert message.content_type is None
