"""Duplicate detection on a topic: a message id accepted within the window is dropped, as Service Bus does."""

from datetime import timedelta
from pathlib import Path

from proton import Message

from devhost.servicebus.config import Subscription, Topic, Topology
from devhost.servicebus.queues import EntityKey
from devhost.servicebus.state import BrokerState
from devhost.servicebus.store import MessageStore

KEY = EntityKey("events", "all")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000

    def __call__(self) -> int:
        return self.now


def topology(window: timedelta | None) -> Topology:
    topic = Topic("events", timedelta(days=7), (Subscription("all", default_ttl=timedelta(days=7)),), window)
    return Topology("sbemulatorns", (topic,), "File")


def message(message_id: str | None) -> bytes:
    msg = Message(body=b"body", id=message_id, properties={"event_type": "run.created"})
    msg.inferred = True
    return bytes(msg.encode())


def test_a_second_message_with_the_same_id_within_the_window_is_dropped() -> None:
    state = BrokerState(topology(timedelta(minutes=10)), MessageStore(None), Clock())
    state.publish("events", [message("run-1:run.created")])
    assert state.publish("events", [message("run-1:run.created")]) == set()
    assert len(state.snapshot(KEY)) == 1


def test_the_same_id_is_accepted_again_after_the_window() -> None:
    clock = Clock()
    state = BrokerState(topology(timedelta(minutes=10)), MessageStore(None), clock)
    state.publish("events", [message("run-1:run.created")])
    clock.now += 10 * 60 * 1000
    state.expire()
    state.publish("events", [message("run-1:run.created")])
    assert len(state.snapshot(KEY)) == 2


def test_different_ids_and_messages_without_an_id_are_all_kept() -> None:
    state = BrokerState(topology(timedelta(minutes=10)), MessageStore(None), Clock())
    state.publish("events", [message("a"), message("b"), message(None), message(None)])
    assert len(state.snapshot(KEY)) == 4


def test_without_duplicate_detection_the_same_id_is_delivered_twice() -> None:
    state = BrokerState(topology(None), MessageStore(None), Clock())
    state.publish("events", [message("a"), message("a")])
    assert len(state.snapshot(KEY)) == 2


def test_the_ids_seen_survive_a_broker_restart(tmp_path: Path) -> None:
    clock, path = Clock(), tmp_path / "broker.sqlite3"
    first = BrokerState(topology(timedelta(minutes=10)), MessageStore(path), clock)
    first.publish("events", [message("a")])
    first.close()
    again = BrokerState(topology(timedelta(minutes=10)), MessageStore(path), clock)
    again.publish("events", [message("a")])
    assert len(again.snapshot(KEY)) == 1
