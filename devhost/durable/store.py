"""Persistence of instances, history, the pending inbox and scheduled activities (one task hub)."""

from __future__ import annotations

import json
from datetime import datetime

from devhost.durable import children, entity_store, history, writes
from devhost.durable.db import Database, Transaction
from devhost.durable.history import Event
from devhost.durable.records import ACTIVE, RUNNABLE, Commit, InstanceRow, Message, WorkItem

_INSTANCE_COLUMNS = (
    "instance_id, name, execution_id, status, input, output, custom_status, created_time, last_updated_time, ledger, "
    "version"
)


class Store(Database):
    """Reads and atomic writes the engine needs; every write keeps the file consistent on its own."""

    def instance(self, instance_id: str) -> InstanceRow | None:
        """Return the instance row, or None."""
        found = self.rows(f"SELECT {_INSTANCE_COLUMNS} FROM {{instances}} WHERE instance_id = ?", instance_id)
        return InstanceRow.from_row(found[0]) if found else None

    def instances(self) -> list[InstanceRow]:
        """Return every instance row, oldest first."""
        found = self.rows(f"SELECT {_INSTANCE_COLUMNS} FROM {{instances}} ORDER BY created_time")
        return [InstanceRow.from_row(r) for r in found]

    def history(self, instance_id: str) -> list[Event]:
        """Return the stored history of the current execution, in order."""
        found = self.rows("SELECT event FROM {history} WHERE instance_id = ? ORDER BY seq", instance_id)
        return [json.loads(r[0]) for r in found]

    def create(self, instance_id: str, name: str, input_json: str | None, now: datetime, version: str = "") -> None:
        """Create (or replace a finished) instance as Pending, its ExecutionStarted waiting in the inbox."""
        with self.tx() as t:
            writes.create(t, instance_id, name, input_json, now, version)

    def post(self, instance_id: str, kind: str, event: Event, visible_at: datetime) -> None:
        """Queue a message for the instance's next episode."""
        with self.tx() as t:
            writes.post(t, instance_id, kind, event, visible_at)

    def end(self, instance_id: str, status: str, output: str, event: Event, now: datetime) -> bool:
        """Move an active instance to a final status, dropping pending work; False if it was not active."""
        with self.tx() as t:
            changed = t.run(
                "UPDATE {instances} SET status = ?, output = ?, last_updated_time = ? "
                "WHERE instance_id = ? AND status IN ('Pending', 'Running', 'Suspended')",
                status,
                json.dumps(output),
                history.fmt(now),
                instance_id,
            )
            if changed:
                writes.drop_pending(t, instance_id)
                writes.append(t, instance_id, [event])
                children.report(t, instance_id, status, json.dumps(output), now)
            return bool(changed)

    def suspend(self, instance_id: str, reason: str, now: datetime) -> bool:
        """Pending/Running -> Suspended (its messages wait in the inbox); False if it was not in those states."""
        with self.tx() as t:
            changed = t.run(
                "UPDATE {instances} SET status = 'Suspended', last_updated_time = ? "
                "WHERE instance_id = ? AND status IN ('Pending', 'Running')",
                history.fmt(now),
                instance_id,
            )
            if changed:
                writes.append(t, instance_id, [history.execution_suspended(now, reason)])
            return bool(changed)

    def resume(self, instance_id: str, reason: str, now: datetime) -> bool:
        """Suspended -> Running (Pending if it never ran); False if it was not suspended."""
        with self.tx() as t:
            ran = t.rows("SELECT 1 FROM {history} WHERE instance_id = ? LIMIT 1", instance_id)
            changed = t.run(
                "UPDATE {instances} SET status = ?, last_updated_time = ? "
                "WHERE instance_id = ? AND status = 'Suspended'",
                "Running" if ran else "Pending",
                history.fmt(now),
                instance_id,
            )
            if changed:
                writes.append(t, instance_id, [history.execution_resumed(now, reason)])
            return bool(changed)

    def parent_of(self, instance_id: str) -> str | None:
        """The instance id of the orchestration waiting on this sub-orchestration, if any."""
        found = self.rows("SELECT parent_id FROM {parents} WHERE instance_id = ?", instance_id)
        return str(found[0][0]) if found else None

    def purge(self, instance_id: str) -> bool:
        """Delete the instance with its history and pending work; False if it did not exist."""
        with self.tx() as t:
            return writes.wipe(t, instance_id) > 0

    def runnable(self, now: datetime) -> list[str]:
        """Ids of active instances with at least one message visible at now."""
        return [
            r[0]
            for r in self.rows(
                "SELECT DISTINCT m.instance_id FROM {inbox} m JOIN {instances} i "
                "ON i.instance_id = m.instance_id WHERE m.visible_at <= ? AND i.status IN ('Pending', 'Running')",
                history.fmt(now),
            )
        ]

    def next_due(self, now: datetime) -> datetime | None:
        """The earliest message (a timer) that becomes visible after now."""
        found = self.rows("SELECT MIN(visible_at) FROM {inbox} WHERE visible_at > ?", history.fmt(now))
        return history.parse(found[0][0]) if found and found[0][0] else None

    def pending_timers(self, instance_id: str) -> list[tuple[int, datetime]]:
        """(timer id, fire time) of the timers still waiting to fire for the instance."""
        found = self.rows(
            "SELECT timer_id, visible_at FROM {inbox} WHERE instance_id = ? AND kind = 'timer' ORDER BY visible_at",
            instance_id,
        )
        return [(r[0], history.parse(r[1])) for r in found]

    def messages(self, instance_id: str, now: datetime) -> list[Message]:
        """Visible messages in delivery order: ExecutionStarted first, then by arrival time."""
        found = self.rows(
            "SELECT id, kind, event FROM {inbox} WHERE instance_id = ? AND visible_at <= ? "
            "ORDER BY kind != 'start', visible_at, id",
            instance_id,
            history.fmt(now),
        )
        return [Message(r[0], r[1], json.loads(r[2])) for r in found]

    def work(self) -> list[WorkItem]:
        """Every scheduled activity not yet completed."""
        found = self.rows("SELECT id, instance_id, task_id, name, input FROM {work} ORDER BY id")
        return [WorkItem(*r) for r in found]

    def complete_work(self, item: WorkItem, event: Event, now: datetime) -> bool:
        """Turn a finished activity into an inbox message; False (dropped) if its work was cancelled."""
        with self.tx() as t:
            if not t.run("DELETE FROM {work} WHERE id = ?", item.id):
                return False
            writes.post(t, item.instance_id, "result", event, now)
            return True

    def apply(self, commit: Commit, now: datetime) -> bool:
        """Apply an episode atomically; False (nothing written) if the instance moved on meanwhile."""
        with self.tx() as t:
            current = t.rows("SELECT execution_id, status FROM {instances} WHERE instance_id = ?", commit.instance_id)
            if not current or current[0][0] != commit.execution_id or current[0][1] not in RUNNABLE:
                return False
            for message_id in commit.consumed:
                t.run("DELETE FROM {inbox} WHERE id = ?", message_id)
            if commit.restart is not None:
                writes.restart(t, commit, commit.restart, now)
            else:
                writes.record(t, commit, now)
                _children(t, commit, now)
            return True


def _children(t: Transaction, commit: Commit, now: datetime) -> None:
    """Start the sub-orchestrations and queue the entity operations of the episode; a final one reports up."""
    if commit.status in ACTIVE:
        for child in commit.children:
            children.start(t, commit.instance_id, child, now)
        for op in commit.entity_ops:
            entity_store.enqueue(t, op)
    else:
        children.report(t, commit.instance_id, commit.status, commit.output_json, now)
