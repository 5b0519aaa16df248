"""Runs and their audit trail: creation, status transitions (row + event atomically), events."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from mlops.store.errors import DatasetNotFound, RunNotFound
from mlops.store.outbox import OutboxMessage, enqueue
from mlops.store.records import EVENT_KINDS, STATUSES, NewRun, RunEvent, RunFields, RunRecord
from mlops.store.rows import check_transition, run_row, run_uuid

_TIMESTAMPS = frozenset({"approval_deadline"})  # RunFields given as ISO text, stored as timestamptz
BeforeCommit = Callable[[RunRecord], Awaitable[None]]

_INSERT_RUN = """
INSERT INTO pipeline_runs (run_id, model_id, dataset, experiment_name, task_type, ml_score_threshold,
                           metric_weights, created_by, gate_policy, policy_version, weight_profile,
                           created_by_oid, approvals_required)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *
"""
_INSERT_EVENT = """
INSERT INTO run_events (run_id, kind, status, message, details, dedupe_key)
SELECT run_id, $2, status, $3, $4, $5 FROM pipeline_runs WHERE run_id = $1
ON CONFLICT (run_id, dedupe_key) DO NOTHING RETURNING *
"""


class RunQueries:
    """The run half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def create_run(
        self, new: NewRun, *, before_commit: BeforeCommit | None = None, outbox: Sequence[OutboxMessage] = ()
    ) -> RunRecord:
        """Insert the run (``pending``), its first event and its ``outbox`` messages in one transaction;
        ``before_commit`` runs inside it, so if it raises nothing is written."""
        run_id = run_uuid(new.run_id) if new.run_id else uuid.uuid4()
        async with self._pool.acquire() as conn, conn.transaction():
            try:
                row = await conn.fetchrow(
                    _INSERT_RUN,
                    run_id,
                    new.model_id,
                    new.dataset,
                    new.experiment_name,
                    new.task_type,
                    new.ml_score_threshold,
                    dict(new.metric_weights),
                    new.created_by,
                    None if new.gate_policy is None else dict(new.gate_policy),
                    new.policy_version,
                    new.weight_profile,
                    new.created_by_oid,
                    new.approvals_required,
                )
            except asyncpg.ForeignKeyViolationError:
                raise DatasetNotFound(new.dataset) from None
            await conn.execute(_INSERT_EVENT, run_id, "transition", "run created", {}, "status:pending")
            for message in outbox:
                await enqueue(conn, message)
            record = run_row(row, RunRecord)
            if before_commit is not None:
                await before_commit(record)
        return record

    async def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None when no run has that id."""
        try:
            key = run_uuid(run_id)
        except RunNotFound:
            return None
        row = await self._pool.fetchrow("SELECT * FROM pipeline_runs WHERE run_id = $1", key)
        return None if row is None else run_row(row, RunRecord)

    async def list_runs(self, status: str | None = None, limit: int = 50, offset: int = 0) -> list[RunRecord]:
        """Runs newest first, optionally only those in ``status``."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if limit < 1 or offset < 0:
            raise ValueError("limit must be >= 1 and offset >= 0")
        # Two statements rather than "$1 IS NULL OR status = $1", so each plan can use its index.
        where, args = ("WHERE status = $3", (limit, offset, status)) if status else ("", (limit, offset))
        rows = await self._pool.fetch(
            f"SELECT * FROM pipeline_runs {where} ORDER BY created_at DESC, run_id DESC LIMIT $1 OFFSET $2",
            *args,
        )
        return [run_row(row, RunRecord) for row in rows]

    async def record_transition(
        self,
        run_id: str,
        status: str,
        message: str,
        *,
        decision: str | None = None,
        fields: RunFields | None = None,
        details: Mapping[str, Any] | None = None,
        dedupe_key: str | None = None,
    ) -> RunRecord:
        """Move the run to ``status`` and append its event atomically; with a ``dedupe_key`` already
        recorded for this run, change nothing and return the run as it is."""
        key = run_uuid(run_id)
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow("SELECT * FROM pipeline_runs WHERE run_id = $1 FOR UPDATE", key)
            if row is None:
                raise RunNotFound(run_id)
            if dedupe_key is not None and await conn.fetchval(
                "SELECT 1 FROM run_events WHERE run_id = $1 AND dedupe_key = $2", key, dedupe_key
            ):
                return run_row(row, RunRecord)
            check_transition(run_id, row["status"], status, decision)
            changes = fields.changes() if fields is not None else {}
            if "registered_model" in changes:
                changes["registered_model"] = dict(changes["registered_model"])
            updates = {"status": status, **({"decision": decision} if decision else {}), **changes}
            assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(updates, start=2))
            row = await conn.fetchrow(
                f"UPDATE pipeline_runs SET {assignments}, updated_at = clock_timestamp() WHERE run_id = $1 RETURNING *",
                key,
                *(datetime.fromisoformat(v) if k in _TIMESTAMPS else v for k, v in updates.items()),
            )
            audit = {**(details or {}), **({"decision": decision} if decision else {})}
            if changes:
                audit["fields"] = changes
            await conn.execute(_INSERT_EVENT, key, "transition", message, audit, dedupe_key)
        return run_row(row, RunRecord)

    async def append_event(
        self,
        run_id: str,
        kind: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        dedupe_key: str | None = None,
    ) -> RunEvent:
        """Append an event stamped with the run's current status; with a ``dedupe_key`` already
        recorded for this run, return the existing event instead."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"event kind must be one of {EVENT_KINDS}, got {kind!r}")
        key = run_uuid(run_id)
        row = await self._pool.fetchrow(_INSERT_EVENT, key, kind, message, dict(details or {}), dedupe_key)
        if row is None and dedupe_key is not None:
            row = await self._pool.fetchrow(
                "SELECT * FROM run_events WHERE run_id = $1 AND dedupe_key = $2", key, dedupe_key
            )
        if row is None:
            raise RunNotFound(run_id)
        return run_row(row, RunEvent)

    async def list_events(self, run_id: str) -> list[RunEvent]:
        """The run's audit trail, oldest first (empty for an unknown run)."""
        try:
            key = run_uuid(run_id)
        except RunNotFound:
            return []
        rows = await self._pool.fetch("SELECT * FROM run_events WHERE run_id = $1 ORDER BY id", key)
        return [run_row(row, RunEvent) for row in rows]
