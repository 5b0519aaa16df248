"""Dead-letter queues through the real SDK on the local broker: listed with their reason, re-driven once."""

import asyncio

from azure.servicebus import ServiceBusClient, ServiceBusMessage
from azure.servicebus.aio import ServiceBusClient as AsyncServiceBusClient

from devhost.servicebus import LocalServiceBusBroker
from mlops.operations.deadletters import DeadLetterQueues
from tests.devhost.servicebus.conftest import TOPIC, Collect

RUN_ID = "9b2d3c4e-0000-4000-8000-000000000001"


def _dead_letter_one(client: ServiceBusClient, collect: Collect) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(
            ServiceBusMessage(
                b'{"event": "run.created"}',
                message_id=f"{RUN_ID}:run.created",
                application_properties={"event_type": "run.created", "run_id": RUN_ID},
            )
        )
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        (message,) = collect(receiver, 1)
        receiver.dead_letter_message(message, reason="OrchestratorDown", error_description="the host was stopped")


def _queues(broker: LocalServiceBusBroker) -> DeadLetterQueues:
    return DeadLetterQueues(lambda: AsyncServiceBusClient.from_connection_string(broker.connection_string), TOPIC)


def test_a_dead_lettered_message_is_listed_with_its_reason_and_run(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    _dead_letter_one(client, collect)
    (letter,) = asyncio.run(_queues(broker).peek("sub-orchestrator"))
    assert (letter.reason, letter.description) == ("OrchestratorDown", "the host was stopped")
    assert (letter.event_type, letter.run_id, letter.message_id) == ("run.created", RUN_ID, f"{RUN_ID}:run.created")
    assert len(broker.dead_letters(TOPIC, "sub-orchestrator")) == 1  # peeking leaves it in place


def test_redrive_sends_a_copy_under_a_new_id_and_empties_the_dead_letter_queue(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    _dead_letter_one(client, collect)
    (letter,) = broker.dead_letters(TOPIC, "sub-orchestrator")
    (done,) = asyncio.run(_queues(broker).redrive("sub-orchestrator", [letter.sequence_number]))
    assert done.run_id == RUN_ID
    assert broker.dead_letters(TOPIC, "sub-orchestrator") == []
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        (again,) = collect(receiver, 1)
        receiver.complete_message(again)
    assert again.message_id == f"{RUN_ID}:run.created:redrive-{letter.sequence_number}"
    assert b"DeadLetterReason" not in (again.application_properties or {})


def test_redrive_leaves_messages_that_were_not_chosen(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    _dead_letter_one(client, collect)
    (letter,) = broker.dead_letters(TOPIC, "sub-orchestrator")
    assert asyncio.run(_queues(broker).redrive("sub-orchestrator", [letter.sequence_number + 1000])) == []
    assert [d.sequence_number for d in broker.dead_letters(TOPIC, "sub-orchestrator")] == [letter.sequence_number]
