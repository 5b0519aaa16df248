"""Delivering messages to consumer links, and applying the outcomes consumers send back."""

import uuid
from typing import Any

from proton import Condition, Delivery, Disposition, Endpoint, Sender, timestamp

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus.errors import SettlementNotAllowedError
from devhost.servicebus.management import LOCK_LOST, as_map
from devhost.servicebus.queues import EntityKey
from devhost.servicebus.state import BrokerState

_Answer = tuple[int, Condition | None, bool]  # outcome echoed, its error, message available again
_OUTCOMES = (Delivery.ACCEPTED, Delivery.REJECTED, Delivery.RELEASED, Delivery.MODIFIED)


def send_available(state: BrokerState, link: Sender, key: EntityKey, peek_lock: bool) -> None:
    """Send messages while the link has credit; in peek-lock the delivery tag is the lock token."""
    while link.credit > 0 and link.state & Endpoint.LOCAL_ACTIVE:
        entry = state.acquire(key, peek_lock)
        if entry is None:
            break
        annotations: dict[str, Any] = {
            "x-opt-sequence-number": entry.seq,
            "x-opt-enqueued-time": timestamp(entry.enqueued_ms),
        }
        if entry.lock_token is not None:
            annotations["x-opt-locked-until"] = timestamp(entry.locked_until_ms)
        raw = codec.restamp(entry.raw, entry.delivery_count, annotations)
        # proton's wrapper accepts binary tags (cproton.py2bytes) although its stub says str.
        delivery = link.delivery(entry.lock_token or uuid.uuid4().bytes)  # type: ignore[arg-type]
        # Proton decodes delivery tags as UTF-8 text, so the binary lock token travels as an attribute.
        delivery.lock_token = entry.lock_token
        link.send(raw)
        link.advance()
        if entry.lock_token is None:
            delivery.settle()
    link.drained()


def apply_outcome(state: BrokerState, key: EntityKey, delivery: Delivery) -> bool:
    """Apply the consumer's outcome and confirm it by settling; True when the message is available again."""
    token = getattr(delivery, "lock_token", None)
    if delivery.remote_state not in _OUTCOMES and not delivery.settled:
        return False  # no terminal outcome yet (e.g. the `received` state)
    if token is None:
        delivery.settle()
        return False
    try:
        outcome, error, available = _apply(state, key, token, delivery)
    except SettlementNotAllowedError as exc:
        outcome, error, available = Delivery.REJECTED, Condition("amqp:not-allowed", str(exc)), False
    if error is not None:
        delivery.local.condition = error
    if outcome == Delivery.MODIFIED:
        delivery.local.failed = delivery.remote.failed
    delivery.update(outcome)
    delivery.settle()
    return available


def _apply(state: BrokerState, key: EntityKey, token: bytes, delivery: Delivery) -> _Answer:
    remote = delivery.remote
    if remote.type == Disposition.ACCEPTED:
        return _answer(state.complete(key, token), Delivery.ACCEPTED, False)
    if remote.type == Disposition.REJECTED:
        info = as_map(remote.condition.info) if remote.condition else {}
        description = _text(info.get("DeadLetterErrorDescription")) or (
            remote.condition.description if remote.condition else None
        )
        done = state.dead_letter(key, token, _text(info.get("DeadLetterReason")), description)
        return _answer(done, Delivery.REJECTED, False)
    if remote.type == Disposition.MODIFIED and remote.undeliverable:
        return Delivery.REJECTED, Condition("amqp:not-implemented", "deferral is not supported"), False
    if remote.type == Disposition.MODIFIED:
        return _answer(state.abandon(key, token, failed=remote.failed), Delivery.MODIFIED, True)
    # Released, or settled without an outcome: back to the queue without counting a failed delivery.
    return _answer(state.abandon(key, token, failed=False), Delivery.RELEASED, True)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _answer(done: bool, outcome: int, available: bool) -> _Answer:
    if done:
        return outcome, None, available
    return Delivery.REJECTED, Condition(LOCK_LOST, "The lock on the message is lost or has expired."), False
