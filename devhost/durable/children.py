"""Sub-orchestrations: a parent's episode starts a child instance; the child's end is reported to the parent."""

from __future__ import annotations

import json
from datetime import datetime

from devhost.durable import history, writes
from devhost.durable.db import Transaction
from devhost.durable.records import ACTIVE, Child


def start(t: Transaction, parent_id: str, child: Child, now: datetime) -> None:
    """Create the child (its version: the one asked for, else the parent's) linked to the parent's task.

    A live instance already holding the id fails the parent's task instead.
    """
    existing = t.rows("SELECT status FROM {instances} WHERE instance_id = ?", child.instance_id)
    if existing and existing[0][0] in ACTIVE:
        reason = f"An orchestration with instance id '{child.instance_id}' already exists ({existing[0][0]})"
        writes.post(t, parent_id, "result", history.sub_orchestration_failed(now, child.task_id, reason, ""), now)
        return
    parent_version = t.rows("SELECT version FROM {instances} WHERE instance_id = ?", parent_id)
    version = child.version or (parent_version[0][0] if parent_version else "")
    writes.create(t, child.instance_id, child.name, child.input, now, version)
    t.run(
        "INSERT INTO {parents} (instance_id, parent_id, task_id) VALUES (?, ?, ?)",
        child.instance_id,
        parent_id,
        child.task_id,
    )


def report(t: Transaction, instance_id: str, status: str, output_json: str | None, now: datetime) -> None:
    """Tell a waiting parent that this instance reached a final status (Completed, or Failed/Terminated)."""
    link = t.rows("SELECT parent_id, task_id FROM {parents} WHERE instance_id = ?", instance_id)
    if not link:
        return
    t.run("DELETE FROM {parents} WHERE instance_id = ?", instance_id)
    parent_id, task_id = link[0]
    parent = t.rows("SELECT status FROM {instances} WHERE instance_id = ?", parent_id)
    if not parent or parent[0][0] not in ACTIVE:
        return
    if status == "Completed":
        event = history.sub_orchestration_completed(now, task_id, output_json)
    else:
        event = history.sub_orchestration_failed(now, task_id, _reason(status, output_json), "")
    writes.post(t, parent_id, "result", event, now)


def _reason(status: str, output_json: str | None) -> str:
    """The child's failure message (its output is the JSON text of that message), or why it stopped."""
    try:
        message = json.loads(output_json) if output_json else None
    except json.JSONDecodeError:
        message = output_json
    return str(message) if status == "Failed" and message else f"{status}: {message or ''}".rstrip(": ")
