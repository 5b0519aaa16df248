"""Card publication: render, keep it in the run's audit trail, deliver it to Teams, record the delivery.

Delivery never fails the pipeline: its outcome (delivered, failed, disabled) is an event on the run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mlops.approvals.tokens import ApprovalClaims, SigningKeys
from mlops.cards import CardLinks, render_card
from mlops.settings import Settings
from mlops.store import RunRecord, RunStore
from mlops.teams import DeliveryFailed, TeamsWebhook

DECISION_KINDS = frozenset({"approval_requested", "approval_reminder"})


def decision_url(base_url: str, token: str) -> str:
    """The decision page of a signed token (GET shows it, POST confirms)."""
    return f"{base_url}/api/approvals/{token}"


def card_links(settings: Settings, kind: str, run_id: str, facts: dict[str, Any]) -> CardLinks:
    """The card's buttons: signed Approve/Reject links on decision cards (when keys are set), run, model."""
    if settings.ui_base_url:
        run_url = f"{settings.ui_base_url}/?run_id={run_id}"
    else:
        run_url = f"{settings.public_base_url}/api/runs/{run_id}"
    studio = None
    if settings.model_studio_url and facts.get("model_name") and facts.get("model_version"):
        studio = settings.model_studio_url.format(name=facts["model_name"], version=facts["model_version"])
    approve = reject = None
    if kind in DECISION_KINDS and settings.approval_signing_keys is not None:
        keys, deadline = settings.approval_signing_keys, datetime.fromisoformat(str(facts["deadline"]))
        version = str(facts["model_version"])
        approve = decision_url(settings.public_base_url, _token(keys, run_id, "approve", version, deadline))
        reject = decision_url(settings.public_base_url, _token(keys, run_id, "reject", version, deadline))
    return CardLinks(run_url=run_url, studio_url=studio, approve_url=approve, reject_url=reject)


def policy_fact(run: RunRecord | None) -> str | None:
    """'gp-… (floor 0.7, profile default, 1 approval)': the rules this decision is taken under."""
    if run is None or not run.gate_policy:
        return None
    policy = run.gate_policy
    approvals = int(policy.get("approvals_required", 1))
    return (
        f"{run.policy_version} (floor {policy.get('threshold_floor')}, profile {run.weight_profile}, "
        f"{approvals} approval{'s' if approvals != 1 else ''})"
    )


def comparison_fact(run: RunRecord | None) -> str | None:
    """'0.910 vs 0.880 in production (+0.030, 95 % CI +0.010…+0.050), 4 answers worse' (or why not compared)."""
    if run is None or not run.comparison:
        return None
    return str(run.comparison.get("summary") or "") or None


def _token(keys: SigningKeys, run_id: str, decision: str, version: str, deadline: datetime) -> str:
    claims = ApprovalClaims(run_id, "approve" if decision == "approve" else "reject", version, deadline)
    return keys.sign(claims)


async def publish_card(
    store: RunStore, settings: Settings, kind: str, run_id: str, facts: dict[str, Any], webhook: TeamsWebhook | None
) -> dict[str, Any]:
    """Render the card, store it once per kind in the run's events, deliver it; returns the card."""
    if kind in DECISION_KINDS:
        run = await store.get_run(run_id)
        approved = sum(1 for vote in await store.list_votes(run_id) if vote.decision == "approve")
        required = run.approvals_required if run else 1
        started_by = run.created_by if run and run.created_by else "unknown"
        facts = {**facts, "started_by": started_by, "approvals": f"{approved} of {required} approvals"}
        facts["policy"] = policy_fact(run)
        facts["comparison"] = comparison_fact(run)
    card = render_card(kind, run_id, facts, card_links(settings, kind, run_id, facts))
    stored = await store.append_event(run_id, "card", f"{kind} card", details={"card": card}, dedupe_key=f"card:{kind}")
    await deliver(store, webhook, run_id, kind, stored.details["card"])
    return dict(stored.details["card"])


async def deliver(store: RunStore, webhook: TeamsWebhook | None, run_id: str, kind: str, card: dict[str, Any]) -> str:
    """Post the card at most once per (run, kind): an attempt is recorded before the post, so a retry after a
    crash in between never posts again (Teams cannot be asked whether it arrived) and records ``unconfirmed``;
    a refused or unreachable webhook is recorded ``failed``. Never raises DeliveryFailed. Returns
    ``delivered``, ``failed``, ``unconfirmed`` or ``disabled``."""
    key, attempt_key = f"delivery:{kind}", f"delivery-attempt:{kind}"
    recorded = {event.dedupe_key: event for event in await store.list_events(run_id)}
    if key in recorded:
        return str(recorded[key].details.get("delivery"))
    details: dict[str, Any] = {"card": kind}
    if attempt_key in recorded:
        outcome, message = "unconfirmed", f"{kind} card not re-sent: an earlier attempt was interrupted mid-delivery"
    elif webhook is None:
        outcome, message = "disabled", f"{kind} card not sent to Teams: TEAMS_WEBHOOK_URL is empty"
    else:
        await store.append_event(run_id, "event", f"{kind} card being sent", details, dedupe_key=attempt_key)
        try:
            details["http_status"] = await webhook.post(card)
            outcome, message = "delivered", f"{kind} card delivered to Teams"
        except DeliveryFailed as exc:
            outcome, message, details["error"] = "failed", f"{kind} card delivery failed: {exc}", str(exc)
    await store.append_event(run_id, "event", message, details={**details, "delivery": outcome}, dedupe_key=key)
    return outcome
