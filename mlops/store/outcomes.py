"""A run's outcomes: its evaluation metrics (NaN kept as NULL) and its single approval decision."""

from __future__ import annotations

import math
from collections.abc import Mapping

import asyncpg

from mlops.store.errors import AlreadyDecided, RunNotFound, StoreError
from mlops.store.records import APPROVAL_DECISIONS, ApprovalRecord
from mlops.store.rows import approval_record, run_uuid

_INSERT_APPROVAL = """
INSERT INTO run_approvals (run_id, decision, approver, comment, via) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (run_id) DO NOTHING RETURNING *
"""
_APPROVAL_EVENT = """
INSERT INTO run_events (run_id, kind, status, message, details)
SELECT run_id, 'approval', status, $2, $3 FROM pipeline_runs WHERE run_id = $1
"""


def _value(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


class OutcomeQueries:
    """The results and approvals half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def save_results(
        self, run_id: str, metrics: Mapping[str, float | None], weights: Mapping[str, float]
    ) -> None:
        """Replace the run's results: one row per metric named in either mapping; NaN or missing -> NULL."""
        key = run_uuid(run_id)
        names = sorted(set(metrics) | set(weights))
        rows = [(key, name, _value(metrics.get(name)), float(weights.get(name, 0.0))) for name in names]
        async with self._pool.acquire() as conn, conn.transaction():
            if await conn.fetchval("SELECT 1 FROM pipeline_runs WHERE run_id = $1 FOR UPDATE", key) is None:
                raise RunNotFound(run_id)
            await conn.execute("DELETE FROM run_results WHERE run_id = $1", key)
            await conn.executemany(
                "INSERT INTO run_results (run_id, metric, value, weight) VALUES ($1, $2, $3, $4)", rows
            )

    async def get_results(self, run_id: str) -> dict[str, float | None]:
        """The run's metric values by name (None where the metric was NaN or missing)."""
        rows = await self._pool.fetch(
            "SELECT metric, value FROM run_results WHERE run_id = $1 ORDER BY metric", run_uuid(run_id)
        )
        return {row["metric"]: row["value"] for row in rows}

    async def get_weights(self, run_id: str) -> dict[str, float]:
        """The weight each stored metric had in the MLScore."""
        rows = await self._pool.fetch(
            "SELECT metric, weight FROM run_results WHERE run_id = $1 ORDER BY metric", run_uuid(run_id)
        )
        return {row["metric"]: row["weight"] for row in rows}

    async def record_approval(
        self, run_id: str, decision: str, approver: str, comment: str | None, via: str
    ) -> ApprovalRecord:
        """Record the run's one decision (and its audit event); raise AlreadyDecided with the existing
        one if another decision got there first, RunNotFound for an unknown run."""
        if decision not in APPROVAL_DECISIONS:
            raise ValueError(f"decision must be one of {APPROVAL_DECISIONS}, got {decision!r}")
        key = run_uuid(run_id)
        async with self._pool.acquire() as conn, conn.transaction():
            try:
                row = await conn.fetchrow(_INSERT_APPROVAL, key, decision, approver, comment, via)
            except asyncpg.ForeignKeyViolationError:
                raise RunNotFound(run_id) from None
            if row is None:
                existing = await conn.fetchrow("SELECT * FROM run_approvals WHERE run_id = $1", key)
                if existing is None:  # the winner withdrew between our insert and this read
                    raise StoreError(f"run {run_id}: a concurrent decision came and went; try again")
                raise AlreadyDecided(approval_record(existing))
            record = approval_record(row)
            details = {"decision": decision, "approver": approver, "comment": comment, "via": via}
            await conn.execute(_APPROVAL_EVENT, key, f"{decision} by {approver} via {via}", details)
        return record

    async def withdraw_approval(self, run_id: str) -> None:
        """Remove the run's decision (its delivery failed) and note that in the audit trail."""
        key = run_uuid(run_id)
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow("DELETE FROM run_approvals WHERE run_id = $1 RETURNING *", key)
            if row is not None:
                details = {"withdrawn": row["decision"], "approver": row["approver"]}
                await conn.execute(_APPROVAL_EVENT, key, "decision withdrawn: it could not be delivered", details)

    async def get_approval(self, run_id: str) -> ApprovalRecord | None:
        """The run's decision, or None while there is none."""
        try:
            key = run_uuid(run_id)
        except RunNotFound:
            return None
        row = await self._pool.fetchrow("SELECT * FROM run_approvals WHERE run_id = $1", key)
        return None if row is None else approval_record(row)
