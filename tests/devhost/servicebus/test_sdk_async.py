"""The real azure-servicebus SDK (aio) against the local broker."""

import asyncio
import json

from azure.servicebus import (
    ServiceBusMessage,
    ServiceBusReceivedMessage,
    ServiceBusReceiveMode,
    ServiceBusSubQueue,
)
from azure.servicebus.aio import ServiceBusClient, ServiceBusReceiver

from devhost.servicebus import LocalServiceBusBroker

from .conftest import TOPIC, prop


def event(event_type: str, run_id: str) -> ServiceBusMessage:
    body = json.dumps({"event": event_type, "run_id": run_id, "payload": {}})
    return ServiceBusMessage(body, application_properties={"event_type": event_type, "run_id": run_id})


async def collect(receiver: ServiceBusReceiver, count: int) -> list[ServiceBusReceivedMessage]:
    messages: list[ServiceBusReceivedMessage] = []
    async with asyncio.timeout(10):
        while len(messages) < count:
            messages += await receiver.receive_messages(max_message_count=count - len(messages), max_wait_time=1)
    return messages


async def test_batch_send_receive_complete_abandon(broker: LocalServiceBusBroker) -> None:
    async with ServiceBusClient.from_connection_string(broker.connection_string) as client:
        async with client.get_topic_sender(TOPIC) as sender:
            await sender.send_messages([event("run.training_done", "t1"), event("run.training_failed", "t2")])
        async with client.get_subscription_receiver(TOPIC, "sub-training-events") as receiver:
            first, second = await collect(receiver, 2)
            assert [prop(first, "run_id"), prop(second, "run_id")] == [
                b"t1",
                b"t2",
            ]
            await receiver.complete_message(first)
            await receiver.abandon_message(second)
            [again] = await collect(receiver, 1)
            assert (prop(again, "run_id"), again.delivery_count) == (b"t2", 1)
            await receiver.renew_message_lock(again)
            await receiver.complete_message(again)
    assert broker.active_count(TOPIC, "sub-training-events") == 0


async def test_dead_letter_and_dead_letter_queue(broker: LocalServiceBusBroker) -> None:
    async with ServiceBusClient.from_connection_string(broker.connection_string) as client:
        async with client.get_topic_sender(TOPIC) as sender:
            await sender.send_messages(event("run.eval_passed", "e1"))
        async with client.get_subscription_receiver(TOPIC, "sub-notifications") as receiver:
            [message] = await collect(receiver, 1)
            await receiver.dead_letter_message(message, reason="NoApprover", error_description="nobody to ask")
        dlq = client.get_subscription_receiver(
            TOPIC,
            "sub-notifications",
            sub_queue=ServiceBusSubQueue.DEAD_LETTER,
            receive_mode=ServiceBusReceiveMode.RECEIVE_AND_DELETE,
        )
        async with dlq:
            [dead] = await collect(dlq, 1)
    assert (dead.dead_letter_reason, dead.dead_letter_error_description) == ("NoApprover", "nobody to ask")
    assert json.loads(str(dead))["run_id"] == "e1"
    assert broker.dead_letters(TOPIC, "sub-notifications") == []
