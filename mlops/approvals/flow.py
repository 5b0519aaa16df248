"""The decision link's use cases: open it (no side effect) and confirm it (record once, then raise).

Checks, in order: signature and key (403), expiry (410), the run exists (404), the link was issued for the
run's current model version (409), no decision yet (409 naming who decided and when), the run awaits one
(409). Only then is the decision recorded, once per run, and the event raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mlops import runs
from mlops.approvals.identity import Principal
from mlops.approvals.tokens import ApprovalClaims, SigningKeys
from mlops.requests import ApprovalRequest
from mlops.store import AlreadyDecided, ApprovalRecord, RunRecord, RunStore

VIA_TEAMS_LINK = "teams_link"


class LinkRefused(Exception):
    """The link cannot decide this run; ``status``/``code`` are the HTTP answer, the message says why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


@dataclass(frozen=True)
class OpenedLink:
    """A verified link, the run it names, and the run's decision if one was already taken."""

    claims: ApprovalClaims
    run: RunRecord
    prior: ApprovalRecord | None


async def open_link(store: RunStore, keys: SigningKeys | None, token: str, now: datetime) -> OpenedLink:
    """Verify the token and load its run; raises TokenError or LinkRefused. Changes nothing."""
    if keys is None:
        raise LinkRefused(503, "links_disabled", "approval links are disabled (APPROVAL_SIGNING_KEYS is not set)")
    claims = keys.verify(token, now)
    run = await store.get_run(claims.run_id)
    if run is None:
        raise LinkRefused(404, "not_found", f"no run {claims.run_id}")
    version = str((run.registered_model or {}).get("version", ""))
    if version != claims.model_version:
        raise LinkRefused(
            409,
            "wrong_model",
            f"this link was issued for model version {claims.model_version} of run {run.run_id}, "
            f"which is at version {version or 'none'}",
        )
    return OpenedLink(claims, run, await store.get_approval(claims.run_id))


async def confirm_link(
    store: RunStore,
    keys: SigningKeys | None,
    token: str,
    approver: Principal,
    comment: str | None,
    raise_event: runs.RaiseEvent,
    now: datetime,
) -> ApprovalRecord:
    """Record the link's decision once and raise ``ApprovalDecision``; AlreadyDecided on a replay or a
    second approver, LinkRefused when the run no longer awaits a decision."""
    opened = await open_link(store, keys, token, now)
    if opened.prior is not None:
        raise AlreadyDecided(opened.prior)
    request = ApprovalRequest(decision=opened.claims.decision, comment=comment or None)
    try:
        return await runs.record_and_raise(store, opened.run.run_id, request, approver, raise_event, VIA_TEAMS_LINK)
    except runs.NotAwaitingApproval as exc:
        raise LinkRefused(409, "not_awaiting_approval", str(exc)) from exc
