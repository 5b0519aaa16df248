"""Deciding a run: separation of duties, one vote per principal, N distinct approvals, then the event.

The API and the decision link share this. The requester of a run may reject it but never approve it; the
vote and, when it decides the run, the outcome are written in one transaction (see
``mlops.store.approvals``); only a decided run gets ``ApprovalDecision`` raised, and a failed delivery
withdraws the vote so nothing is left recorded that the pipeline never heard of.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from mlops.approvals.identity import Principal
from mlops.requests import ApprovalRequest
from mlops.store import Ballot, NewVote, RunStore
from mlops.store.errors import AlreadyDecided, AlreadyVoted, ApprovalWindowClosed, NotAwaitingDecision, RunNotFound

RaiseEvent = Callable[[str, str, dict[str, Any]], Awaitable[None]]
APPROVAL_DECISION = "ApprovalDecision"


class NotAwaitingApproval(RuntimeError):
    """The run is in a status where no decision can be taken."""


class SelfApproval(PermissionError):
    """The principal who started the run tried to approve it."""


async def record_and_raise(
    store: RunStore, run_id: str, request: ApprovalRequest, approver: Principal, raise_event: RaiseEvent, via: str
) -> Ballot:
    """Record ``approver``'s vote; raise ``ApprovalDecision`` when it decided the run. Raises RunNotFound,
    SelfApproval, NotAwaitingApproval, or the store's AlreadyDecided/AlreadyVoted/ApprovalWindowClosed."""
    run = await store.get_run(run_id)
    if run is None:
        raise RunNotFound(run_id)
    if request.decision == "approve" and run.created_by_oid == approver.oid:
        raise SelfApproval(f"{approver.name} started run {run_id} and cannot approve it (rejecting is allowed)")
    vote = NewVote(approver.oid, approver.name, request.decision, request.comment, via)
    try:
        ballot = await store.cast_vote(run_id, vote)
    except NotAwaitingDecision as exc:
        raise NotAwaitingApproval(str(exc)) from exc
    if ballot.outcome is None:
        return ballot
    payload = {"decision": request.decision, "approver": approver.name, "comment": request.comment, "via": via}
    try:
        await raise_event(run_id, APPROVAL_DECISION, payload)
    except Exception:
        await store.withdraw_vote(run_id, approver.oid)
        raise
    return ballot


def tally(ballot: Ballot) -> str:
    """ "1 of 2 approvals", as the run and the card say it."""
    return f"{ballot.approvals} of {ballot.required} approvals"


REFUSALS = (RunNotFound, SelfApproval, NotAwaitingApproval, AlreadyDecided, AlreadyVoted, ApprovalWindowClosed)


def refusal(exc: Exception) -> tuple[int, str, str]:
    """The HTTP status, error code and message for one of ``REFUSALS`` (nothing was recorded for any)."""
    if isinstance(exc, AlreadyDecided):
        prior = exc.existing
        return (
            409,
            "already_decided",
            f"already decided ({prior.decision}) by {prior.approver} at {prior.decided_at.isoformat()}",
        )
    statuses = {
        RunNotFound: (404, "not_found"),
        SelfApproval: (403, "separation_of_duties"),
        NotAwaitingApproval: (409, "conflict"),
        AlreadyVoted: (409, "already_voted"),
        ApprovalWindowClosed: (410, "approval_window_closed"),
    }
    status, code = next(v for k, v in statuses.items() if isinstance(exc, k))
    return status, code, str(exc)
