"""Statements shared by the store's transactions (run inside Database.tx())."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from devhost.durable import history
from devhost.durable.db import Transaction
from devhost.durable.history import Event
from devhost.durable.records import ACTIVE, Commit, Ledger


def record(t: Transaction, commit: Commit, now: datetime) -> None:
    """Append the episode's history, queue its timers and activities (drop all if final), update the row."""
    append(t, commit.instance_id, commit.events)
    for timer_id in commit.cancelled_timers:
        t.run(
            "DELETE FROM {inbox} WHERE instance_id = ? AND kind = 'timer' AND timer_id = ?",
            commit.instance_id,
            timer_id,
        )
    if commit.status in ACTIVE:
        for timer_id, fire_at in commit.timers:
            fired = history.timer_fired(fire_at, timer_id, fire_at)
            post(t, commit.instance_id, "timer", fired, fire_at, timer_id)
        for task_id, name, input_json in commit.work:
            t.run(
                "INSERT INTO {work} (instance_id, task_id, name, input) VALUES (?, ?, ?, ?)",
                commit.instance_id,
                task_id,
                name,
                input_json,
            )
    else:
        drop_pending(t, commit.instance_id)
    t.run(
        "UPDATE {instances} SET status = ?, output = ?, custom_status = ?, last_updated_time = ?, "
        "ledger = ? WHERE instance_id = ?",
        commit.status,
        commit.output_json,
        commit.custom_status_json,
        history.fmt(now),
        commit.ledger.to_json(),
        commit.instance_id,
    )


def create(
    t: Transaction, instance_id: str, name: str, input_json: str | None, now: datetime, version: str = ""
) -> None:
    """Create (or replace a finished) instance as Pending, its ExecutionStarted waiting in the inbox."""
    wipe(t, instance_id)
    t.run(
        "INSERT INTO {instances} (instance_id, name, execution_id, status, input, output, custom_status, "
        "created_time, last_updated_time, ledger, version) VALUES (?, ?, ?, 'Pending', ?, NULL, NULL, ?, ?, ?, ?)",
        instance_id,
        name,
        uuid.uuid4().hex,
        input_json,
        history.fmt(now),
        history.fmt(now),
        Ledger().to_json(),
        version,
    )
    post(t, instance_id, "start", history.execution_started(now, name, input_json, version), now)


def restart(t: Transaction, commit: Commit, started: Event, now: datetime) -> None:
    """ContinueAsNew: fresh history and bookkeeping; external events not yet delivered carry over."""
    t.run("DELETE FROM {history} WHERE instance_id = ?", commit.instance_id)
    t.run("DELETE FROM {inbox} WHERE instance_id = ? AND kind != 'event'", commit.instance_id)
    t.run("DELETE FROM {work} WHERE instance_id = ?", commit.instance_id)
    t.run(
        "UPDATE {instances} SET execution_id = ?, status = 'Running', input = ?, output = NULL, "
        "custom_status = ?, last_updated_time = ?, ledger = ? WHERE instance_id = ?",
        uuid.uuid4().hex,
        commit.restart_input,
        commit.custom_status_json,
        history.fmt(now),
        Ledger().to_json(),
        commit.instance_id,
    )
    post(t, commit.instance_id, "start", started, now)


def post(
    t: Transaction,
    instance_id: str,
    kind: str,
    event: Event,
    visible_at: datetime,
    timer_id: int | None = None,
) -> None:
    """Queue a message that becomes deliverable at visible_at."""
    t.run(
        "INSERT INTO {inbox} (instance_id, kind, visible_at, timer_id, event) VALUES (?, ?, ?, ?, ?)",
        instance_id,
        kind,
        history.fmt(visible_at),
        timer_id,
        json.dumps(event),
    )


def append(t: Transaction, instance_id: str, events: list[Event]) -> None:
    """Append events to the instance's stored history."""
    last = t.rows("SELECT COALESCE(MAX(seq), -1) FROM {history} WHERE instance_id = ?", instance_id)[0][0]
    for offset, item in enumerate(events, start=last + 1):
        t.run(
            "INSERT INTO {history} (instance_id, seq, event) VALUES (?, ?, ?)",
            instance_id,
            offset,
            json.dumps(item),
        )


def drop_pending(t: Transaction, instance_id: str) -> None:
    """Forget the instance's queued messages, timers and activities."""
    t.run("DELETE FROM {inbox} WHERE instance_id = ?", instance_id)
    t.run("DELETE FROM {work} WHERE instance_id = ?", instance_id)


def wipe(t: Transaction, instance_id: str) -> int:
    """Delete everything about the instance; returns 1 if it existed."""
    drop_pending(t, instance_id)
    t.run("DELETE FROM {history} WHERE instance_id = ?", instance_id)
    t.run("DELETE FROM {parents} WHERE instance_id = ?", instance_id)
    return t.run("DELETE FROM {instances} WHERE instance_id = ?", instance_id)
