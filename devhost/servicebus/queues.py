"""In-memory message entities (a subscription or its dead-letter queue) with peek-lock state."""

import heapq
import time
from dataclasses import dataclass
from datetime import timedelta

DEAD_LETTER_SUFFIX = "/$DeadLetterQueue"


def now_ms() -> int:
    """Wall-clock milliseconds since the epoch (the AMQP timestamp unit)."""
    return int(time.time() * 1000)


def milliseconds(duration: timedelta) -> int:
    """A duration in whole milliseconds."""
    return int(duration.total_seconds() * 1000)


@dataclass(frozen=True)
class EntityKey:
    """Identifies a subscription, or its dead-letter queue, by configured (canonical) names."""

    topic: str
    subscription: str
    dead_letter: bool = False

    @property
    def address(self) -> str:
        """The entity path a receiver attaches to."""
        path = f"{self.topic}/Subscriptions/{self.subscription}"
        return path + DEAD_LETTER_SUFFIX if self.dead_letter else path

    def dead_letter_queue(self) -> "EntityKey":
        """The key of this subscription's dead-letter queue."""
        return EntityKey(self.topic, self.subscription, True)


@dataclass
class Entry:
    """One message copy in an entity; `raw` is the AMQP encoding as stored (no broker annotations)."""

    seq: int
    raw: bytes
    enqueued_ms: int
    expires_ms: int | None
    delivery_count: int = 0
    lock_token: bytes | None = None
    locked_until_ms: int = 0


class EntityQueue:
    """Messages of one entity in sequence order: available ones and locked ones (by lock token)."""

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self._ready: list[int] = []
        self._locks: dict[bytes, Entry] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: Entry) -> None:
        """Make `entry` available."""
        self.entries[entry.seq] = entry
        heapq.heappush(self._ready, entry.seq)

    def take(self) -> Entry | None:
        """The available entry with the lowest sequence number, removed from the ready set."""
        while self._ready:
            entry = self.entries.get(heapq.heappop(self._ready))
            if entry is not None and entry.lock_token is None:
                return entry
        return None

    def lock(self, entry: Entry, token: bytes, until_ms: int) -> None:
        """Hold `entry` under `token` until `until_ms`."""
        entry.lock_token, entry.locked_until_ms = token, until_ms
        self._locks[token] = entry

    def locked(self, token: bytes) -> Entry | None:
        """The entry held under `token`, if its lock is still held."""
        return self._locks.get(token)

    def unlock(self, entry: Entry) -> None:
        """Release the lock on `entry` and make it available again."""
        if entry.lock_token is not None:
            self._locks.pop(entry.lock_token, None)
        entry.lock_token, entry.locked_until_ms = None, 0
        heapq.heappush(self._ready, entry.seq)

    def remove(self, entry: Entry) -> None:
        """Delete `entry` (complete, receive-and-delete, dead-letter move, expiry)."""
        self.entries.pop(entry.seq, None)
        if entry.lock_token is not None:
            self._locks.pop(entry.lock_token, None)

    def expired_locks(self, now_ms: int) -> list[Entry]:
        """Locked entries whose lock is over."""
        return [e for e in self._locks.values() if e.locked_until_ms <= now_ms]

    def expired_messages(self, now_ms: int) -> list[Entry]:
        """Unlocked entries past their time-to-live."""
        return [
            e
            for e in self.entries.values()
            if e.lock_token is None and e.expires_ms is not None and e.expires_ms <= now_ms
        ]

    def peek(self, from_seq: int, count: int) -> list[Entry]:
        """Up to `count` entries (locked or not) from sequence number `from_seq` on."""
        return sorted((e for e in self.entries.values() if e.seq >= from_seq), key=lambda e: e.seq)[:count]
