"""Approvals: each principal's vote, and the run's one outcome decided by one conditional write.

The outcome row (``run_approvals``, one per run) is written by the vote that rejects or brings the N-th
approval, or by the deadline's expiry (under the run's row lock, one conditional INSERT each): once the
expiry is recorded, or the recorded deadline has passed, a vote is refused and nothing is written, so a
decision never lands beside an expired outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from mlops.store.errors import (
    AlreadyDecided,
    AlreadyVoted,
    ApprovalWindowClosed,
    NotAwaitingDecision,
    RunNotFound,
)
from mlops.store.records import APPROVAL_DECISIONS, ApprovalRecord, VoteRecord
from mlops.store.rows import run_row, run_uuid

EXPIRED = "expired"
_LOCK_RUN = """
SELECT status, decision, approvals_required, approval_deadline < clock_timestamp() AS past_deadline
FROM pipeline_runs WHERE run_id = $1 FOR UPDATE
"""
_INSERT_VOTE = """
INSERT INTO run_approval_votes (run_id, approver_oid, approver, decision, comment, via)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, approver_oid) DO NOTHING RETURNING *
"""
_INSERT_OUTCOME = """
INSERT INTO run_approvals (run_id, decision, approver, approver_oid, comment, via) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (run_id) DO NOTHING RETURNING *
"""
_APPROVAL_EVENT = """
INSERT INTO run_events (run_id, kind, status, message, details)
SELECT run_id, 'approval', status, $2, $3 FROM pipeline_runs WHERE run_id = $1
"""


@dataclass(frozen=True)
class NewVote:
    """What a signed-in principal decided, and through which channel (``api``, ``ui``, ``teams_link``)."""

    approver_oid: str
    approver: str
    decision: str
    comment: str | None
    via: str


@dataclass(frozen=True)
class Ballot:
    """A recorded vote, the approvals counted so far, and the outcome when this vote decided the run."""

    vote: VoteRecord
    approvals: int
    required: int
    outcome: ApprovalRecord | None


class ApprovalQueries:
    """The approvals part of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def cast_vote(self, run_id: str, new: NewVote) -> Ballot:
        """Record ``new`` and, when it rejects or completes N approvals, the outcome; raises ApprovalWindowClosed
        (expired or past the deadline), AlreadyDecided, NotAwaitingDecision or AlreadyVoted, writing nothing."""
        if new.decision not in APPROVAL_DECISIONS:
            raise ValueError(f"decision must be one of {APPROVAL_DECISIONS}, got {new.decision!r}")
        key = run_uuid(run_id)
        async with self._pool.acquire() as conn, conn.transaction():
            run = await conn.fetchrow(_LOCK_RUN, key)
            if run is None:
                raise RunNotFound(run_id)
            await _check_open(conn, run_id, key, run)
            row = await conn.fetchrow(
                _INSERT_VOTE, key, new.approver_oid, new.approver, new.decision, new.comment, new.via
            )
            if row is None:
                existing = await conn.fetchrow(
                    "SELECT * FROM run_approval_votes WHERE run_id = $1 AND approver_oid = $2", key, new.approver_oid
                )
                raise AlreadyVoted(run_row(existing, VoteRecord))
            approvals = await conn.fetchval(
                "SELECT count(*) FROM run_approval_votes WHERE run_id = $1 AND decision = 'approve'", key
            )
            required = int(run["approvals_required"])
            outcome = None
            if new.decision == "reject" or approvals >= required:
                values = (new.decision, new.approver, new.approver_oid, new.comment, new.via)
                outcome = run_row(await conn.fetchrow(_INSERT_OUTCOME, key, *values), ApprovalRecord)
            tally = f" ({approvals} of {required} approvals)" if new.decision == "approve" else ""
            details: dict[str, object] = {"decision": new.decision, "approver": new.approver, "oid": new.approver_oid}
            details |= {"comment": new.comment, "via": new.via, "approvals": approvals, "required": required}
            message = f"{new.decision} by {new.approver} via {new.via}{tally}"
            await conn.execute(_APPROVAL_EVENT, key, message, details)
        return Ballot(run_row(row, VoteRecord), int(approvals), required, outcome)

    async def withdraw_vote(self, run_id: str, approver_oid: str) -> None:
        """Remove a vote (and the outcome it decided) whose delivery failed, noting it in the audit trail."""
        key = run_uuid(run_id)
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM run_approvals WHERE run_id = $1 AND approver_oid = $2", key, approver_oid)
            row = await conn.fetchrow(
                "DELETE FROM run_approval_votes WHERE run_id = $1 AND approver_oid = $2 RETURNING *", key, approver_oid
            )
            if row is not None:
                details = {"withdrawn": row["decision"], "approver": row["approver"]}
                await conn.execute(_APPROVAL_EVENT, key, "decision withdrawn: it could not be delivered", details)

    async def close_approval(self, run_id: str) -> ApprovalRecord:
        """The deadline won (the pipeline is expiring the run): make ``expired`` the run's one outcome. A decision
        recorded that never reached the pipeline in time is withdrawn, with a note, so no "approved by X"
        stands beside an expired run; an ``expired`` outcome already there is returned as is (a re-run)."""
        key = run_uuid(run_id)
        async with self._pool.acquire() as conn, conn.transaction():
            if await conn.fetchval("SELECT 1 FROM pipeline_runs WHERE run_id = $1 FOR UPDATE", key) is None:
                raise RunNotFound(run_id)
            late = await conn.fetchrow(
                "DELETE FROM run_approvals WHERE run_id = $1 AND decision <> $2 RETURNING *", key, EXPIRED
            )
            if late is not None:
                await conn.execute(
                    "DELETE FROM run_approval_votes WHERE run_id = $1 AND approver_oid = $2", key, late["approver_oid"]
                )
                details = {"withdrawn": late["decision"], "approver": late["approver"]}
                message = "decision withdrawn: the deadline passed before it reached the pipeline"
                await conn.execute(_APPROVAL_EVENT, key, message, details)
            row = await conn.fetchrow(_INSERT_OUTCOME, key, EXPIRED, "deadline", None, None, "timer")
            if row is None:
                return run_row(
                    await conn.fetchrow("SELECT * FROM run_approvals WHERE run_id = $1", key), ApprovalRecord
                )
            await conn.execute(_APPROVAL_EVENT, key, "approval window closed: no decision before the deadline", {})
        return run_row(row, ApprovalRecord)

    async def list_votes(self, run_id: str) -> list[VoteRecord]:
        """The run's votes, oldest first."""
        rows = await self._pool.fetch(
            "SELECT * FROM run_approval_votes WHERE run_id = $1 ORDER BY decided_at, approver_oid", run_uuid(run_id)
        )
        return [run_row(row, VoteRecord) for row in rows]


async def _check_open(conn: asyncpg.Connection, run_id: str, key: object, run: asyncpg.Record) -> None:
    """Raise unless the run still takes votes: no outcome yet, before its deadline, awaiting approval."""
    outcome = await conn.fetchrow("SELECT * FROM run_approvals WHERE run_id = $1", key)
    if outcome is not None and outcome["decision"] == EXPIRED:
        raise ApprovalWindowClosed(f"run {run_id}: the approval window closed; nothing was recorded")
    if outcome is not None:
        raise AlreadyDecided(run_row(outcome, ApprovalRecord))
    if run["past_deadline"] or run["decision"] == EXPIRED:
        raise ApprovalWindowClosed(f"run {run_id}: the approval deadline has passed; nothing was recorded")
    if run["status"] != "awaiting_approval":
        raise NotAwaitingDecision(f"run {run_id} is {run['status']}, not awaiting approval")
