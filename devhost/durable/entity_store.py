"""Durable entities in the task hub: their state, and the operations queued for them, in the same sqlite file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from devhost.durable import history, writes
from devhost.durable.db import Database, Transaction
from devhost.durable.records import ACTIVE, EntityOp


@dataclass(frozen=True)
class EntityRecord:
    """One stored entity: `@name@key`, its state as JSON text, and when an operation last changed it."""

    entity_id: str
    name: str
    key: str
    state: str | None
    last_modified: datetime


def entity_id(name: str, key: str) -> str:
    """The scheduler id the SDK addresses an entity by (EntityId.get_scheduler_id: the name lowercased)."""
    return f"@{name.lower()}@{key}"


def split(entity: str) -> tuple[str, str]:
    """`@name@key` -> (name, key)."""
    name, _, key = entity.removeprefix("@").partition("@")
    return name, key


def enqueue(t: Transaction, op: EntityOp) -> None:
    """Queue an operation; the entity runs its queue in arrival order, one batch at a time."""
    t.run(
        "INSERT INTO {entity_ops} (entity_id, operation, input, request_id, caller) VALUES (?, ?, ?, ?, ?)",
        op.entity_id,
        op.operation,
        op.input,
        op.request_id,
        op.caller,
    )


def pending(db: Database) -> list[str]:
    """Entities with at least one queued operation."""
    return [r[0] for r in db.rows("SELECT DISTINCT entity_id FROM {entity_ops}")]


def queued(db: Database, entity: str) -> list[tuple[int, EntityOp]]:
    """The entity's queued operations, oldest first."""
    found = db.rows(
        "SELECT id, entity_id, operation, input, request_id, caller FROM {entity_ops} WHERE entity_id = ? ORDER BY id",
        entity,
    )
    return [(r[0], EntityOp(*r[1:])) for r in found]


def read(db: Database, entity: str) -> EntityRecord | None:
    """The stored entity, or None if it does not exist (never set, or deleted)."""
    found = db.rows("SELECT entity_id, name, key, state, last_modified FROM {entities} WHERE entity_id = ?", entity)
    return _record(found[0]) if found else None


def listing(db: Database, name: str) -> list[EntityRecord]:
    """Every existing entity of one entity function, by key."""
    found = db.rows(
        "SELECT entity_id, name, key, state, last_modified FROM {entities} WHERE name = ? ORDER BY key", name.lower()
    )
    return [_record(r) for r in found]


def save(
    db: Database, entity: str, state: str | None, done: list[int], replies: list[tuple[str, str, str]], now: datetime
) -> None:
    """Atomically: the new state (None deletes the entity), the batch off the queue, each caller's reply posted."""
    name, key = split(entity)
    with db.tx() as t:
        if state is None:
            t.run("DELETE FROM {entities} WHERE entity_id = ?", entity)
        else:
            t.run(
                "INSERT INTO {entities} (entity_id, name, key, state, last_modified) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (entity_id) DO UPDATE SET state = excluded.state, last_modified = excluded.last_modified",
                entity,
                name,
                key,
                state,
                history.fmt(now),
            )
        for op_id in done:
            t.run("DELETE FROM {entity_ops} WHERE id = ?", op_id)
        for caller, request_id, reply in replies:
            status = t.rows("SELECT status FROM {instances} WHERE instance_id = ?", caller)
            if status and status[0][0] in ACTIVE:
                writes.post(t, caller, "event", history.event_raised(now, request_id, reply), now)


def _record(row: tuple[str, str, str, str | None, str]) -> EntityRecord:
    return EntityRecord(row[0], row[1], row[2], row[3], history.parse(row[4]))
