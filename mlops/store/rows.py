"""Conversions between asyncpg rows and the store's records, and the rules every write checks."""

from __future__ import annotations

import uuid
from typing import TypeVar

import asyncpg

from mlops.store.errors import InvalidTransition, RunNotFound
from mlops.store.records import (
    DECISIONS,
    STATUSES,
    TERMINAL_STATUSES,
    ApprovalRecord,
    DatasetRecord,
    RunEvent,
    RunRecord,
    VoteRecord,
)

R = TypeVar("R", RunRecord, RunEvent, ApprovalRecord, VoteRecord)

# Non-terminal statuses in pipeline order; a run only moves forward (or stays, to update fields).
_ORDER: dict[str, int] = {status: rank for rank, status in enumerate(STATUSES) if status not in TERMINAL_STATUSES}


def run_uuid(run_id: str) -> uuid.UUID:
    """``run_id`` as a UUID; an id that is not one names no run (RunNotFound)."""
    try:
        return uuid.UUID(str(run_id))
    except ValueError:
        raise RunNotFound(run_id) from None


def check_transition(run_id: str, current: str, target: str, decision: str | None) -> None:
    """Raise InvalidTransition unless ``current -> target`` (with ``decision``) is allowed."""
    if target not in STATUSES:
        raise InvalidTransition(run_id, current, target, "unknown status")
    if current in TERMINAL_STATUSES:
        raise InvalidTransition(run_id, current, target, f"{current} is terminal")
    if target in _ORDER and _ORDER[target] < _ORDER[current]:
        raise InvalidTransition(run_id, current, target, "a run never goes back")
    if decision is not None and decision not in DECISIONS:
        raise InvalidTransition(run_id, current, target, f"unknown decision {decision!r}")
    if decision is not None and target != "completed":
        raise InvalidTransition(run_id, current, target, "only a completed run carries a decision")


def run_row(row: asyncpg.Record, record_type: type[R]) -> R:
    """A row of a run's table (``pipeline_runs``, ``run_events``, ``run_approvals``, ``run_approval_votes``) as
    ``record_type``, its ``run_id`` UUID as text."""
    values = dict(row)
    values["run_id"] = str(values["run_id"])
    return record_type(**values)


def dataset_record(row: asyncpg.Record) -> DatasetRecord:
    """A ``datasets`` row as a DatasetRecord."""
    return DatasetRecord(**dict(row))
