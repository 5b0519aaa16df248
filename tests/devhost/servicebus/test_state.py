"""Broker state on a fake clock: locks, delivery counts, dead-lettering, TTL and persistence."""

from datetime import timedelta
from pathlib import Path

import pytest
from proton import Message

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus.config import Rule, Subscription, Topic, Topology
from devhost.servicebus.errors import EntityNotFoundError, SettlementNotAllowedError
from devhost.servicebus.queues import EntityKey
from devhost.servicebus.sql_filter import parse_sql_filter
from devhost.servicebus.state import BrokerState
from devhost.servicebus.store import MessageStore

KEY = EntityKey("events", "all")
DLQ = KEY.dead_letter_queue()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000

    def __call__(self) -> int:
        return self.now


def topology(dead_letter_on_expiration: bool = True) -> Topology:
    subs = (
        Subscription(
            "all",
            max_delivery_count=2,
            lock_duration=timedelta(seconds=10),
            default_ttl=timedelta(minutes=5),
            dead_letter_on_expiration=dead_letter_on_expiration,
        ),
        Subscription("created", rules=(Rule("r", parse_sql_filter("event_type = 'run.created'")),)),
    )
    return Topology("sbemulatorns", (Topic("events", timedelta(hours=1), subs),), "File")


def message(event_type: str, ttl_ms: int | None = None) -> bytes:
    msg = Message(body=b"body", properties={"event_type": event_type})
    msg.inferred = True
    if ttl_ms is not None:
        msg.ttl = ttl_ms / 1000
    return bytes(msg.encode())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state(clock: Clock) -> BrokerState:
    return BrokerState(topology(), MessageStore(None), clock)


def test_routing_and_sequence_numbers(state: BrokerState) -> None:
    assert state.publish("EVENTS", [message("run.created"), message("run.failed")]) == {
        KEY,
        EntityKey("events", "created"),
    }
    assert [e.seq for e in state.snapshot(KEY)] == [1, 3]
    assert [e.seq for e in state.snapshot(EntityKey("events", "created"))] == [2]
    with pytest.raises(EntityNotFoundError):
        state.publish("nope", [message("x")])


def test_lock_expiry_counts_and_dead_letters(state: BrokerState, clock: Clock) -> None:
    state.publish("events", [message("run.failed")])
    first = state.acquire(KEY, peek_lock=True)
    assert first is not None and first.lock_token is not None
    assert state.acquire(KEY, peek_lock=True) is None
    clock.now += 10_000
    assert state.expire() >= {KEY}
    second = state.acquire(KEY, peek_lock=True)
    assert second is not None and second.delivery_count == 1
    assert not state.complete(KEY, first.lock_token)
    clock.now += 10_000
    state.expire()
    assert state.snapshot(KEY) == []
    [dead] = state.snapshot(DLQ)
    props = codec.application_properties(dead.raw)
    assert props["DeadLetterReason"] == "MaxDeliveryCountExceeded"
    assert "2 delivery attempts" in props["DeadLetterErrorDescription"]


def test_renew_extends_the_lock(state: BrokerState, clock: Clock) -> None:
    state.publish("events", [message("run.failed")])
    entry = state.acquire(KEY, peek_lock=True)
    assert entry is not None and entry.lock_token is not None
    clock.now += 9_000
    assert state.renew(KEY, entry.lock_token) == clock.now + 10_000
    clock.now += 9_000
    state.expire()
    assert state.complete(KEY, entry.lock_token)
    assert state.renew(KEY, entry.lock_token) is None


def test_release_does_not_count(state: BrokerState) -> None:
    state.publish("events", [message("run.failed")])
    entry = state.acquire(KEY, peek_lock=True)
    assert entry is not None and entry.lock_token is not None
    assert state.abandon(KEY, entry.lock_token, failed=False)
    again = state.acquire(KEY, peek_lock=True)
    assert again is not None and again.delivery_count == 0


def test_dead_letter_queue_rules(state: BrokerState) -> None:
    state.publish("events", [message("run.failed")])
    entry = state.acquire(KEY, peek_lock=True)
    assert entry is not None and entry.lock_token is not None
    assert state.dead_letter(KEY, entry.lock_token, "why", None)
    dead = state.acquire(DLQ, peek_lock=True)
    assert dead is not None and dead.lock_token is not None
    assert codec.application_properties(dead.raw)["DeadLetterReason"] == "why"
    with pytest.raises(SettlementNotAllowedError):
        state.dead_letter(DLQ, dead.lock_token, "again", None)
    for _ in range(5):  # no delivery limit in a dead-letter queue
        assert state.abandon(DLQ, dead.lock_token, failed=True)
        dead = state.acquire(DLQ, peek_lock=True)
        assert dead is not None and dead.lock_token is not None


@pytest.mark.parametrize("dead_letter_on_expiration", [True, False])
def test_message_ttl(clock: Clock, dead_letter_on_expiration: bool) -> None:
    state = BrokerState(topology(dead_letter_on_expiration), MessageStore(None), clock)
    state.publish("events", [message("run.failed", ttl_ms=1_000), message("run.failed")])
    clock.now += 1_000
    state.expire()
    assert len(state.snapshot(KEY)) == 1
    dead = state.snapshot(DLQ)
    assert len(dead) == int(dead_letter_on_expiration)
    if dead:
        assert codec.application_properties(dead[0].raw)["DeadLetterReason"] == "TTLExpiredException"


def test_receive_and_delete(state: BrokerState) -> None:
    state.publish("events", [message("run.failed")])
    entry = state.acquire(KEY, peek_lock=False)
    assert entry is not None and entry.lock_token is None
    assert state.snapshot(KEY) == []


def test_restart_keeps_messages_counts_and_sequence(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "store" / "messages.db"
    state = BrokerState(topology(), MessageStore(path), clock)
    state.publish("events", [message("run.failed"), message("run.failed"), message("run.failed")])
    first = state.acquire(KEY, peek_lock=True)
    second = state.acquire(KEY, peek_lock=True)
    assert first is not None and first.lock_token is not None
    assert second is not None and second.lock_token is not None
    state.abandon(KEY, first.lock_token, failed=True)
    state.dead_letter(KEY, second.lock_token, "bad", "worse")
    state.acquire(KEY, peek_lock=True)  # left locked: a restart releases it
    state.close()

    reloaded = BrokerState(topology(), MessageStore(path), clock)
    assert [(e.seq, e.delivery_count) for e in reloaded.snapshot(KEY)] == [(1, 1), (3, 0)]
    assert [e.seq for e in reloaded.snapshot(DLQ)] == [2]
    reloaded.publish("events", [message("run.failed")])
    assert max(e.seq for e in reloaded.snapshot(KEY)) == 4
    entry = reloaded.acquire(KEY, peek_lock=False)
    reloaded.close()
    assert entry is not None
    assert len(BrokerState(topology(), MessageStore(path), clock).snapshot(KEY)) == 2
