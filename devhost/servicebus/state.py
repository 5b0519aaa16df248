"""The broker's message state: routing, peek-lock settlement, expiry, dead-lettering (thread-safe)."""

import dataclasses
import logging
import threading
import uuid
from collections.abc import Callable

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus.config import Topic, Topology
from devhost.servicebus.errors import SettlementNotAllowedError
from devhost.servicebus.queues import EntityKey, EntityQueue, Entry, milliseconds, now_ms
from devhost.servicebus.routing import entity_settings, resolve_entity, resolve_topic, routes
from devhost.servicebus.store import MessageStore

log = logging.getLogger(__name__)
MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded"
TTL_REASON = "TTLExpiredException"


class BrokerState:
    """All entities of a topology, persisted through a MessageStore; every method is thread-safe."""

    def __init__(self, topology: Topology, store: MessageStore, clock: Callable[[], int] = now_ms) -> None:
        self.topology = topology
        self._store = store
        self._clock = clock
        self._lock = threading.RLock()
        self._settings = entity_settings(topology)
        self.queues = {key: EntityQueue() for key in self._settings}
        for key, entry in store.load():
            if key in self.queues:
                self.queues[key].add(entry)
            else:
                log.warning("stored message %d of %s kept but not served: not in topology", entry.seq, key)
        self._seq = store.last_sequence_number()

    def resolve(self, path: str) -> EntityKey:
        """The entity of `<topic>/Subscriptions/<sub>[/$DeadLetterQueue]` (case-insensitive)."""
        return resolve_entity(self.topology, path)

    def publish(self, topic_name: str, messages: list[bytes]) -> set[EntityKey]:
        """Copy each message into every subscription whose rules match; return the entities that grew."""
        topic = resolve_topic(self.topology, topic_name)
        grown: set[EntityKey] = set()
        with self._lock, self._store.transaction():
            for raw in messages:
                if self._duplicate(topic, raw):
                    continue
                for key, lifetime_ms in routes(topic, raw, self._seq + 1):
                    self._add(key, raw, lifetime_ms)
                    grown.add(key)
        return grown

    def _duplicate(self, topic: Topic, raw: bytes) -> bool:
        """With duplicate detection on, whether this message id was accepted within the window (then the
        message is dropped, as Service Bus does: the send still succeeds); otherwise remember the id."""
        message_id = codec.message_view(raw, 0).system_value("MessageId")
        if topic.duplicate_window is None or message_id is None:
            return False
        now, window = self._clock(), milliseconds(topic.duplicate_window)
        accepted = self._store.accepted_at(topic.name, str(message_id))
        if accepted is not None and now - accepted < window:
            log.info("duplicate message id %s on %s dropped", message_id, topic.name)
            return True
        self._store.accept_id(topic.name, str(message_id), now)
        return False

    def _add(self, key: EntityKey, raw: bytes, lifetime_ms: int) -> None:
        self._seq += 1
        now = self._clock()
        entry = Entry(self._seq, raw, now, now + lifetime_ms)
        self.queues[key].add(entry)
        self._store.save(key, entry)

    def acquire(self, key: EntityKey, peek_lock: bool) -> Entry | None:
        """Next available message: locked under a fresh token (peek-lock) or removed (receive-and-delete)."""
        with self._lock:
            queue = self.queues[key]
            entry = queue.take()
            if entry is None:
                return None
            if peek_lock:
                queue.lock(entry, uuid.uuid4().bytes, self._lock_expiry(key))
            else:
                self._remove(key, entry)
            return dataclasses.replace(entry)

    def _settle(self, key: EntityKey, token: bytes, action: Callable[[Entry], None]) -> bool:
        with self._lock, self._store.transaction():
            entry = self.queues[key].locked(token)
            if entry is not None:
                action(entry)
            return entry is not None

    def _remove(self, key: EntityKey, entry: Entry) -> None:
        self.queues[key].remove(entry)
        self._store.delete(entry.seq)

    def complete(self, key: EntityKey, token: bytes) -> bool:
        """Delete the message locked under `token`; False when the lock is lost."""
        return self._settle(key, token, lambda entry: self._remove(key, entry))

    def abandon(self, key: EntityKey, token: bytes, failed: bool) -> bool:
        """Unlock for redelivery; a failed delivery counts, and too many go to the dead-letter queue."""
        return self._settle(key, token, lambda entry: self._release(key, entry, failed))

    def _release(self, key: EntityKey, entry: Entry, failed: bool) -> None:
        entry.delivery_count += int(failed)
        limit = self._settings[key].max_delivery_count
        if not key.dead_letter and entry.delivery_count >= limit:
            description = f"Message could not be consumed after {limit} delivery attempts."
            self._move_to_dead_letter(key, entry, MAX_DELIVERY_REASON, description)
            return
        self.queues[key].unlock(entry)
        self._store.save(key, entry)

    def dead_letter(self, key: EntityKey, token: bytes, reason: str | None, description: str | None) -> bool:
        """Move the message locked under `token` to the dead-letter queue; False when the lock is lost."""
        if key.dead_letter:
            raise SettlementNotAllowedError("a message cannot be dead-lettered from a dead-letter queue")
        return self._settle(key, token, lambda e: self._move_to_dead_letter(key, e, reason, description))

    def _move_to_dead_letter(self, key: EntityKey, entry: Entry, reason: str | None, text: str | None) -> None:
        self.queues[key].remove(entry)
        extra = {k: v for k, v in (("DeadLetterReason", reason), ("DeadLetterErrorDescription", text)) if v}
        moved = Entry(
            entry.seq,
            codec.with_application_properties(entry.raw, extra),
            entry.enqueued_ms,
            None,
            entry.delivery_count,
        )
        self.queues[key.dead_letter_queue()].add(moved)
        self._store.save(key.dead_letter_queue(), moved)

    def renew(self, key: EntityKey, token: bytes) -> int | None:
        """Extend the lock held under `token`; its new expiry (ms), or None when the lock is lost."""
        with self._lock:
            entry = self.queues[key].locked(token)
            if entry is None:
                return None
            entry.locked_until_ms = self._lock_expiry(key)
            return entry.locked_until_ms

    def _lock_expiry(self, key: EntityKey) -> int:
        return self._clock() + milliseconds(self._settings[key].lock_duration)

    def expire(self) -> set[EntityKey]:
        """Apply lock expiry (counts as a failed delivery) and message TTL; return entities with news."""
        now = self._clock()
        with self._lock:
            self._forget_old_ids(now)
            locks = [(key, e) for key, queue in self.queues.items() for e in queue.expired_locks(now)]
            lives = [(key, e) for key, queue in self.queues.items() for e in queue.expired_messages(now)]
            if not locks and not lives:
                return set()
            with self._store.transaction():
                for key, entry in locks:
                    self._release(key, entry, failed=True)
                for key, entry in lives:
                    self._expire_message(key, entry)
        return {k for key, _ in locks + lives for k in (key, key.dead_letter_queue())}

    def _forget_old_ids(self, now: int) -> None:
        windows = [milliseconds(t.duplicate_window) for t in self.topology.topics if t.duplicate_window]
        if windows:
            self._store.forget_ids(now - max(windows))

    def _expire_message(self, key: EntityKey, entry: Entry) -> None:
        if self._settings[key].dead_letter_on_expiration:
            self._move_to_dead_letter(key, entry, TTL_REASON, "The message expired and was dead lettered.")
        else:
            self._remove(key, entry)

    def close(self) -> None:
        """Close the store; the state must not be used afterwards."""
        with self._lock:
            self._store.close()

    def snapshot(self, key: EntityKey, from_seq: int = 0, count: int | None = None) -> list[Entry]:
        """Copies of the entity's messages (locked or not) in sequence order, for peek and inspection."""
        with self._lock:
            entries = self.queues[key].peek(from_seq, count if count is not None else len(self.queues[key]))
            return [dataclasses.replace(e) for e in entries]
