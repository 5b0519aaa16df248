"""The transactional outbox: messages written in the same transaction as the rows that cause them,
published later by a relay (at least once, under their stable message id) and then marked sent."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class OutboxMessage:
    """One message to publish; ``message_id`` is stable, so the broker drops a second copy."""

    message_id: str
    topic: str
    event_type: str
    body: str
    run_id: str | None = None
    application_properties: Mapping[str, str] = field(default_factory=dict)
    id: int | None = None  # set by the database
    attempts: int = 0
    created_at: datetime | None = None
    sent_at: datetime | None = None


Publish = Callable[[OutboxMessage], Awaitable[None]]

_INSERT = """
INSERT INTO outbox (message_id, topic, event_type, run_id, body, application_properties)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING
"""


async def enqueue(conn: asyncpg.Connection | asyncpg.Pool, message: OutboxMessage) -> None:
    """Add ``message`` unless one with its id is already there (a retried write adds nothing)."""
    run_id = uuid.UUID(message.run_id) if message.run_id else None
    args = (message.topic, message.event_type, run_id, message.body, dict(message.application_properties))
    await conn.execute(_INSERT, message.message_id, *args)


def _message(row: asyncpg.Record) -> OutboxMessage:
    return OutboxMessage(
        message_id=row["message_id"],
        topic=row["topic"],
        event_type=row["event_type"],
        body=row["body"],
        run_id=str(row["run_id"]) if row["run_id"] else None,
        application_properties=dict(row["application_properties"]),
        id=row["id"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )


class OutboxQueries:
    """The outbox half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def enqueue_message(self, message: OutboxMessage) -> None:
        """Add one message on its own (an activity's lifecycle event); idempotent on its message id."""
        await enqueue(self._pool, message)

    async def relay_outbox(self, publish: Publish, *, message_ids: Sequence[str] | None = None, limit: int = 50) -> int:
        """Publish unsent messages oldest first (only ``message_ids`` when given) and mark each sent;
        returns how many were sent. Rows are locked while published (``SKIP LOCKED``), so concurrent
        relays share the work; a failed publish is counted on the row and left for the next pass."""
        only = "AND message_id = ANY($2::text[])" if message_ids is not None else ""
        args: tuple[Any, ...] = (limit, list(message_ids)) if message_ids is not None else (limit,)
        sent = 0
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                f"SELECT * FROM outbox WHERE sent_at IS NULL {only} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED", *args
            )
            for row in rows:
                try:
                    await publish(_message(row))
                except Exception as exc:  # recorded on the row; the next pass retries it
                    await conn.execute(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
                        row["id"],
                        f"{type(exc).__name__}: {exc}"[:2000],
                    )
                    continue
                await conn.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = NULL, sent_at = clock_timestamp()"
                    " WHERE id = $1",
                    row["id"],
                )
                sent += 1
        return sent

    async def copy_message(self, message_id: str, new_id: str) -> bool:
        """Add an unsent copy of a message under ``new_id`` (the sweeper re-publishes a stuck run's
        ``run.created``: a new id, so duplicate detection does not drop it); False when there is no original."""
        result = await self._pool.execute(
            "INSERT INTO outbox (message_id, topic, event_type, run_id, body, application_properties)"
            " SELECT $2, topic, event_type, run_id, body, application_properties FROM outbox WHERE message_id = $1"
            " ON CONFLICT (message_id) DO NOTHING",
            message_id,
            new_id,
        )
        return int(result.split()[-1]) == 1

    async def unsent_messages(self, older_than_s: float = 0.0) -> list[OutboxMessage]:
        """Messages not yet published, created at least ``older_than_s`` seconds ago, oldest first."""
        rows = await self._pool.fetch(
            "SELECT * FROM outbox WHERE sent_at IS NULL"
            " AND created_at <= clock_timestamp() - make_interval(secs => $1) ORDER BY id",
            older_than_s,
        )
        return [_message(row) for row in rows]

    async def stale_pending_runs(self, older_than_s: float, limit: int = 100) -> list[str]:
        """Runs still ``pending`` (no orchestration recorded a stage) ``older_than_s`` after creation."""
        rows = await self._pool.fetch(
            "SELECT run_id FROM pipeline_runs WHERE status = 'pending'"
            " AND created_at <= clock_timestamp() - make_interval(secs => $1) ORDER BY created_at LIMIT $2",
            older_than_s,
            limit,
        )
        return [str(row["run_id"]) for row in rows]
