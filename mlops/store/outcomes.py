"""A run's outcomes: its evaluation metrics (NaN kept as NULL) and its approval outcome (see approvals.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import asyncpg

from mlops.store.errors import RunNotFound
from mlops.store.records import ApprovalRecord
from mlops.store.rows import run_row, run_uuid


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

    async def get_approval(self, run_id: str) -> ApprovalRecord | None:
        """The run's decision (approve or reject), or None while there is none or when the deadline won."""
        outcome = await self.get_outcome(run_id)
        return None if outcome is None or outcome.decision == "expired" else outcome

    async def get_outcome(self, run_id: str) -> ApprovalRecord | None:
        """The run's outcome row: a decision, ``expired``, or None while the window is open."""
        try:
            key = run_uuid(run_id)
        except RunNotFound:
            return None
        row = await self._pool.fetchrow("SELECT * FROM run_approvals WHERE run_id = $1", key)
        return None if row is None else run_row(row, ApprovalRecord)
