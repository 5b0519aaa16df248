"""The decision link's use cases: open it (no side effect) and confirm it (record once, then raise).

Checks, in order: signature and key (403), expiry (410), the run exists (404), the link was issued for the
run's current model version (409), the approval window is still open (410), the signed-in approver did not
start the run when the link approves (403), no decision yet (409 naming who decided and when), the run
awaits one (409). Only then is the vote recorded (see ``mlops.approvals.decide``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from mlops.approvals import decide
from mlops.approvals.identity import Principal
from mlops.approvals.tokens import ApprovalClaims, SigningKeys
from mlops.requests import ApprovalRequest
from mlops.store import AlreadyDecided, ApprovalRecord, Ballot, RunRecord, RunStore

VIA_TEAMS_LINK = "teams_link"
_CSRF = "confirm-form"


class LinkRefused(Exception):
    """The link cannot decide this run; ``status``/``code`` are the HTTP answer, the message says why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


@dataclass(frozen=True)
class OpenedLink:
    """A verified link, the run it names, the run's decision if one was already taken, and the confirm form's
    CSRF token (bound to the signed-in approver and this link)."""

    claims: ApprovalClaims
    run: RunRecord
    prior: ApprovalRecord | None
    csrf: str


async def open_link(
    store: RunStore, keys: SigningKeys | None, token: str, principal: Principal, now: datetime
) -> OpenedLink:
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
    outcome = await store.get_outcome(claims.run_id)
    if outcome is not None and outcome.decision == "expired":
        raise LinkRefused(410, "approval_window_closed", f"the approval window of run {run.run_id} has closed")
    if claims.decision == "approve" and run.created_by_oid == principal.oid:
        raise LinkRefused(
            403, "separation_of_duties", f"{principal.name} started run {run.run_id} and cannot approve it"
        )
    return OpenedLink(claims, run, outcome, keys.form_tag(_CSRF, f"{principal.oid}:{token}"))


async def confirm_link(
    store: RunStore,
    keys: SigningKeys | None,
    token: str,
    approver: Principal,
    form: Mapping[str, str],
    raise_event: decide.RaiseEvent,
    now: datetime,
) -> Ballot:
    """Record the approver's vote through the link (raising ``ApprovalDecision`` once the run is decided);
    AlreadyDecided on a replay or after the outcome, LinkRefused when the link cannot decide, the other
    ``decide.REFUSALS`` as they come."""
    opened = await open_link(store, keys, token, approver, now)
    if opened.prior is not None:  # a replay learns who decided, and changes nothing
        raise AlreadyDecided(opened.prior)
    if keys is None or not keys.check_form_tag(_CSRF, f"{approver.oid}:{token}", form.get("csrf", "")):
        raise LinkRefused(403, "csrf", "the confirm form's CSRF token is missing or not yours: open the link again")
    comment = form.get("comment", "")[:4000]
    request = ApprovalRequest(decision=opened.claims.decision, comment=comment or None)
    try:
        return await decide.record_and_raise(store, opened.run.run_id, request, approver, raise_event, VIA_TEAMS_LINK)
    except decide.NotAwaitingApproval as exc:
        raise LinkRefused(409, "not_awaiting_approval", str(exc)) from exc
