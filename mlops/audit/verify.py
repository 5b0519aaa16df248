"""Verify one run's audit chain, or every run's, against the store."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from mlops.audit.chain import ChainReport, verify_chain
from mlops.store import RunStore


async def verify_run(store: RunStore, run_id: str) -> ChainReport:
    """The run's chain report (RunNotFound for an unknown run)."""
    await store.require_run(run_id)
    return verify_chain(run_id, await store.audit_rows(run_id), await store.audit_head(run_id))


async def verify_all(store: RunStore) -> list[ChainReport]:
    """A report per run, oldest run first."""
    return [await verify_run(store, run_id) for run_id in await store.audited_run_ids()]


async def audit_view(store: RunStore, run_id: str) -> dict[str, Any]:
    """What ``GET /api/runs/{id}/audit`` returns: the chain, whether it verifies, and the first break."""
    rows = await store.audit_rows(run_id)
    report = await verify_run(store, run_id)
    chain = [
        {
            "seq": row.chain_seq,
            "event_id": row.id,
            "kind": row.kind,
            "status": row.status,
            "message": row.message,
            "at": row.at.isoformat(),
            "prev_hash": row.prev_hash,
            "hash": row.row_hash,
        }
        for row in rows
    ]
    return {
        "run_id": run_id,
        "verified": report.verified,
        "length": report.length,
        "head": report.head,
        "first_broken": None if report.broken is None else asdict(report.broken),
        "chain": chain,
    }
