"""The real azure-servicebus SDK (sync) against the local broker: routing, settlement, dead-lettering."""

import json
from typing import Any

import pytest
from azure.servicebus import ServiceBusClient, ServiceBusMessage, ServiceBusReceiveMode, ServiceBusSubQueue
from azure.servicebus.exceptions import MessageLockLostError, MessagingEntityNotFoundError, ServiceBusError

from devhost.servicebus import LocalServiceBusBroker

from .conftest import TOPIC, Collect, prop


def event(event_type: str, run_id: str = "run-1", **extra: str | int | float | bool) -> ServiceBusMessage:
    body = {"event": event_type, "run_id": run_id, "payload": {}, "occurred_at": "2026-01-01T00:00:00Z"}
    props: dict[str | bytes, Any] = {"event_type": event_type, "run_id": run_id}
    props.update(extra)
    return ServiceBusMessage(json.dumps(body), application_properties=props, content_type="application/json")


def test_each_subscription_gets_only_its_events(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    routes = {
        "sub-orchestrator": ["run.created"],
        "sub-training-events": ["run.training_done", "run.training_failed"],
        "sub-notifications": [
            "run.eval_passed",
            "run.eval_rejected",
            "run.go_prod",
            "run.expired",
            "run.rejected",
            "run.failed",
        ],
    }
    with client.get_topic_sender(TOPIC) as sender:
        for events in routes.values():
            for event_type in events:
                sender.send_messages(event(event_type))
    for subscription, events in routes.items():
        assert broker.active_count(TOPIC, subscription) == len(events)
        with client.get_subscription_receiver(TOPIC, subscription) as receiver:
            received = collect(receiver, len(events))
            assert [prop(m, "event_type").decode() for m in received] == events
            for message in received:
                receiver.complete_message(message)
        assert broker.active_count(TOPIC, subscription) == 0


def test_a_message_matching_no_subscription_is_dropped(broker: LocalServiceBusBroker, client: ServiceBusClient) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(event("run.unknown"))
        sender.send_messages(ServiceBusMessage("no event_type at all"))
    for subscription in ("sub-orchestrator", "sub-training-events", "sub-notifications"):
        assert broker.active_count(TOPIC, subscription) == 0
        assert broker.dead_letters(TOPIC, subscription) == []


def test_batch_send_routes_every_message(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages([event("run.created", "a"), event("run.go_prod", "b"), event("run.created", "c")])
        batch = sender.create_message_batch()
        batch.add_message(event("run.training_done", "d"))
        batch.add_message(event("run.created", "e"))
        sender.send_messages(batch)
    assert broker.active_count(TOPIC, "sub-notifications") == 1
    assert broker.active_count(TOPIC, "sub-training-events") == 1
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        received = collect(receiver, 3)
        assert [prop(m, "run_id") for m in received] == [b"a", b"c", b"e"]
        assert [json.loads(str(m))["run_id"] for m in received] == ["a", "c", "e"]


def test_properties_round_trip(client: ServiceBusClient, collect: Collect) -> None:
    sent = event("run.created", "run-42", task_type="finetune", attempt=2, score=0.75, urgent=True)
    sent.message_id, sent.correlation_id, sent.subject = "msg-1", "corr-1", "lifecycle"
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(sent)
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        [received] = collect(receiver, 1)
        assert received.locked_until_utc is not None and received.lock_token is not None
        receiver.complete_message(received)
    assert (received.message_id, received.correlation_id, received.subject) == (
        "msg-1",
        "corr-1",
        "lifecycle",
    )
    assert received.content_type == "application/json"
    assert received.application_properties == {
        b"event_type": b"run.created",
        b"run_id": b"run-42",
        b"task_type": b"finetune",
        b"attempt": 2,
        b"score": 0.75,
        b"urgent": True,
    }
    assert json.loads(str(received))["run_id"] == "run-42"
    assert received.delivery_count == 0
    assert received.sequence_number is not None and received.enqueued_time_utc is not None


def test_abandon_redelivers_then_dead_letters_after_max_delivery_count(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(event("run.created", "poison"))
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        for attempt in range(3):
            [message] = collect(receiver, 1)
            assert message.delivery_count == attempt
            receiver.abandon_message(message)
        assert receiver.receive_messages(max_wait_time=1) == []
    assert broker.active_count(TOPIC, "sub-orchestrator") == 0
    [dead] = broker.dead_letters(TOPIC, "sub-orchestrator")
    assert dead.dead_letter_reason == "MaxDeliveryCountExceeded"
    assert dead.dead_letter_error_description == "Message could not be consumed after 3 delivery attempts."
    assert dead.application_properties["run_id"] == "poison"
    assert dead.delivery_count == 3


def test_dead_letter_with_reason_then_receive_from_the_dead_letter_queue(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(event("run.training_failed", "bad-run"))
    with client.get_subscription_receiver(TOPIC, "sub-training-events") as receiver:
        [message] = collect(receiver, 1)
        receiver.dead_letter_message(message, reason="InvalidPayload", error_description="payload missing")
    [info] = broker.dead_letters(TOPIC, "sub-training-events")
    assert (info.dead_letter_reason, info.dead_letter_error_description) == (
        "InvalidPayload",
        "payload missing",
    )
    assert json.loads(info.body)["run_id"] == "bad-run"
    dlq = client.get_subscription_receiver(TOPIC, "sub-training-events", sub_queue=ServiceBusSubQueue.DEAD_LETTER)
    with dlq:
        [dead] = collect(dlq, 1)
        assert (dead.dead_letter_reason, dead.dead_letter_error_description) == (
            "InvalidPayload",
            "payload missing",
        )
        assert prop(dead, "DeadLetterReason") == b"InvalidPayload"
        assert prop(dead, "run_id") == b"bad-run"
        dlq.complete_message(dead)
    assert broker.dead_letters(TOPIC, "sub-training-events") == []


def test_receive_and_delete(broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages([event("run.failed", "x"), event("run.failed", "y")])
    receiver = client.get_subscription_receiver(
        TOPIC, "sub-notifications", receive_mode=ServiceBusReceiveMode.RECEIVE_AND_DELETE
    )
    with receiver:
        received = collect(receiver, 2)
    assert [prop(m, "run_id") for m in received] == [b"x", b"y"]
    assert broker.active_count(TOPIC, "sub-notifications") == 0


def test_renew_lock_peek_and_lost_lock(client: ServiceBusClient, collect: Collect) -> None:
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages([event("run.go_prod", "p1"), event("run.go_prod", "p2")])
    with client.get_subscription_receiver(TOPIC, "sub-notifications") as receiver:
        peeked = receiver.peek_messages(max_message_count=5, sequence_number=0)
        assert [prop(m, "run_id") for m in peeked] == [b"p1", b"p2"]
        [message] = collect(receiver, 1)
        before = message.locked_until_utc
        assert before is not None
        renewed = receiver.renew_message_lock(message)
        assert renewed >= before
        receiver.complete_message(message)
        [other] = collect(receiver, 1)
        token = other.lock_token
        assert token is not None
        receiver.complete_message(other)
        with pytest.raises(MessageLockLostError):
            receiver._settle_message_via_mgmt_link("completed", [token])


def test_unknown_entities_are_refused(broker: LocalServiceBusBroker) -> None:
    client = ServiceBusClient.from_connection_string(broker.connection_string, retry_total=0)
    # The broker detaches with amqp:not-found; the SDK's sender reports that as a generic send failure.
    with client, pytest.raises(ServiceBusError), client.get_topic_sender("no-such-topic") as sender:
        sender.send_messages(ServiceBusMessage("x"))
    receiver = client.get_subscription_receiver(TOPIC, "no-such-sub")
    with client, pytest.raises(MessagingEntityNotFoundError, match="no subscription"), receiver:
        receiver.receive_messages(max_wait_time=1)
