"""Reading the audit chain back: each run's events as hashed, and its recorded head (migration 009)."""

from __future__ import annotations

import asyncpg

from mlops.audit import AuditRow
from mlops.store.errors import RunNotFound
from mlops.store.rows import run_uuid

_ROWS = """
SELECT id, run_id::text AS run_id, chain_seq, kind, status, message, details::text AS details, dedupe_key, at,
       prev_hash, row_hash
FROM run_events WHERE run_id = $1 ORDER BY chain_seq, id
"""


class AuditQueries:
    """The audit half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def audit_rows(self, run_id: str) -> list[AuditRow]:
        """The run's events in chain order, with the text the hashes were computed over."""
        return [AuditRow(**dict(row)) for row in await self._pool.fetch(_ROWS, run_uuid(run_id))]

    async def audit_head(self, run_id: str) -> tuple[str, int] | None:
        """The recorded (hash, length) of the run's chain; None when the run has none."""
        row = await self._pool.fetchrow("SELECT head, length FROM run_audit_heads WHERE run_id = $1", run_uuid(run_id))
        return None if row is None else (row["head"], row["length"])

    async def audited_run_ids(self) -> list[str]:
        """Every run id, oldest first (a run without events is a broken chain too)."""
        rows = await self._pool.fetch("SELECT run_id::text FROM pipeline_runs ORDER BY created_at, run_id")
        return [row["run_id"] for row in rows]

    async def require_run(self, run_id: str) -> None:
        """Raise RunNotFound unless the run exists."""
        if await self._pool.fetchval("SELECT 1 FROM pipeline_runs WHERE run_id = $1", run_uuid(run_id)) is None:
            raise RunNotFound(run_id)
