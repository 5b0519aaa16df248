"""SQLite persistence of message entities, so a broker restart loses no message."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devhost.servicebus.queues import EntityKey, Entry

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    subscription TEXT NOT NULL,
    dead_letter INTEGER NOT NULL,
    raw BLOB NOT NULL,
    enqueued_ms INTEGER NOT NULL,
    expires_ms INTEGER,
    delivery_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS message_ids (
    topic TEXT NOT NULL,
    message_id TEXT NOT NULL,
    accepted_ms INTEGER NOT NULL,
    PRIMARY KEY (topic, message_id)
)
"""


class MessageStore:
    """Messages by sequence number; `path=None` keeps them in memory only. Locks are not stored."""

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        target = ":memory:" if path is None else str(path)
        # One connection shared by the reactor thread and inspection calls, serialised by _lock.
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._depth = 0
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one commit (nested use joins the outer transaction)."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._db.execute("ROLLBACK")
                raise
            else:
                if self._depth == 1:
                    self._db.execute("COMMIT")
            finally:
                self._depth -= 1

    def load(self) -> list[tuple[EntityKey, Entry]]:
        """Every stored message with its entity, in sequence order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT topic, subscription, dead_letter, seq, raw, enqueued_ms, expires_ms, delivery_count"
                " FROM messages ORDER BY seq"
            ).fetchall()
        return [
            (EntityKey(t, s, bool(d)), Entry(seq, raw, enq, exp, count)) for t, s, d, seq, raw, enq, exp, count in rows
        ]

    def last_sequence_number(self) -> int:
        """The highest sequence number ever stored (AUTOINCREMENT remembers deleted ones), 0 if none."""
        with self._lock:
            row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
        return int(row[0]) if row else 0

    def save(self, key: EntityKey, entry: Entry) -> None:
        """Insert or replace `entry` as a message of entity `key`."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.seq,
                    key.topic,
                    key.subscription,
                    int(key.dead_letter),
                    entry.raw,
                    entry.enqueued_ms,
                    entry.expires_ms,
                    entry.delivery_count,
                ),
            )

    def delete(self, seq: int) -> None:
        """Forget message `seq`."""
        with self._lock:
            self._db.execute("DELETE FROM messages WHERE seq = ?", (seq,))

    def accepted_at(self, topic: str, message_id: str) -> int | None:
        """When a message with this id was last accepted on `topic` (duplicate detection), if ever."""
        with self._lock:
            row = self._db.execute(
                "SELECT accepted_ms FROM message_ids WHERE topic = ? AND message_id = ?", (topic, message_id)
            ).fetchone()
        return None if row is None else int(row[0])

    def accept_id(self, topic: str, message_id: str, now_ms: int) -> None:
        """Remember that a message with this id was accepted on `topic` at `now_ms`."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO message_ids VALUES (?, ?, ?)", (topic, message_id, now_ms))

    def forget_ids(self, before_ms: int) -> None:
        """Forget message ids accepted before `before_ms` (outside every duplicate-detection window)."""
        with self._lock:
            self._db.execute("DELETE FROM message_ids WHERE accepted_ms < ?", (before_ms,))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
