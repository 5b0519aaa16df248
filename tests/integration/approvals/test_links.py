"""The decision link's flow over a real run store: one decision per run, every bad link refused unchanged,
a signed-in approver who is not the requester, and the page's CSRF token."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mlops.approvals.flow import LinkRefused, confirm_link, open_link
from mlops.approvals.identity import Principal
from mlops.approvals.tokens import ApprovalClaims, BadSignature, SigningKeys, TokenExpired
from mlops.store import AlreadyDecided, Ballot, RunFields, RunStore
from tests.integration.store.support import DATASET, new_run

NOW = datetime.now(UTC)
KEYS = SigningKeys.parse("k1:unit-test-signing-key-0123-long-enough-for-hmac")
ANA, EVE, MALLORY, RILEY = (
    Principal(oid=f"00000000-0000-4000-8000-00000000000{n}", name=name, roles=frozenset({"approver"}))
    for n, name in enumerate(("ana", "eve", "mallory", "riley"))
)


class Raised:
    """Stands in for the durable client's raise_event (the SDK boundary): records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    async def __call__(self, instance_id: str, name: str, payload: dict[str, Any]) -> None:
        self.calls.append((instance_id, name, payload))


async def _awaiting(store: RunStore, version: str = "3") -> str:
    await store.upsert_dataset(DATASET)
    run = await store.create_run(new_run(created_by="riley", created_by_oid=RILEY.oid))
    model = {"name": "tiny-ft", "version": version, "uri": "models:/tiny-ft/3"}
    for status in ("loading", "evaluating", "awaiting_approval"):
        await store.record_transition(run.run_id, status, status, fields=RunFields(registered_model=model))
    return run.run_id


def _token(run_id: str, decision: str = "approve", version: str = "3", hours: float = 72) -> str:
    return KEYS.sign(ApprovalClaims(run_id, decision, version, NOW + timedelta(hours=hours)))  # type: ignore[arg-type]


async def _unchanged(store: RunStore, run_id: str, raised: Raised) -> None:
    run = await store.get_run(run_id)
    assert run is not None and run.status == "awaiting_approval"
    assert await store.get_approval(run_id) is None and raised.calls == []
    assert await store.list_votes(run_id) == []


async def _confirm(
    store: RunStore, token: str, who: Principal, raised: Raised, comment: str = "", now: datetime = NOW
) -> Ballot:
    """What the signed-in approver's browser does: open the page (its CSRF token), then post the form."""
    opened = await open_link(store, KEYS, token, who, now)
    return await confirm_link(store, KEYS, token, who, {"csrf": opened.csrf, "comment": comment}, raised, now)


async def test_open_has_no_side_effect_and_confirm_records_once_then_raises(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    opened = await open_link(run_store, KEYS, _token(run_id), ANA, NOW)
    assert (opened.run.run_id, opened.claims.decision, opened.prior) == (run_id, "approve", None)
    await _unchanged(run_store, run_id, raised)
    ballot = await _confirm(run_store, _token(run_id), ANA, raised, "fine")
    vote = ballot.vote
    assert (vote.decision, vote.approver, vote.via, vote.comment) == ("approve", "ana", "teams_link", "fine")
    assert raised.calls == [
        (run_id, "ApprovalDecision", {"decision": "approve", "approver": "ana", "comment": "fine", "via": "teams_link"})
    ]


async def test_replay_double_click_and_second_approver_change_nothing(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    await _confirm(run_store, _token(run_id), ANA, raised)
    for token, who in ((_token(run_id), ANA), (_token(run_id, "reject"), EVE)):
        csrf = KEYS.form_tag("confirm-form", f"{who.oid}:{token}")
        with pytest.raises(AlreadyDecided) as already:
            await confirm_link(run_store, KEYS, token, who, {"csrf": csrf}, raised, NOW)
        assert (already.value.existing.approver, already.value.existing.decision) == ("ana", "approve")
    assert len(raised.calls) == 1 and (await open_link(run_store, KEYS, _token(run_id), ANA, NOW)).prior is not None


async def test_a_post_without_the_pages_csrf_token_is_refused_unchanged(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    eves_csrf = (await open_link(run_store, KEYS, _token(run_id), EVE, NOW)).csrf
    for form in ({}, {"csrf": "k1.forged"}, {"csrf": eves_csrf}):
        with pytest.raises(LinkRefused) as refused:
            await confirm_link(run_store, KEYS, _token(run_id), ANA, form, raised, NOW)
        assert (refused.value.status, refused.value.code) == (403, "csrf")
    await _unchanged(run_store, run_id, raised)


async def test_the_requester_cannot_open_an_approve_link(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    with pytest.raises(LinkRefused) as refused:
        await open_link(run_store, KEYS, _token(run_id), RILEY, NOW)
    assert (refused.value.status, refused.value.code) == (403, "separation_of_duties")
    await _unchanged(run_store, run_id, raised)


async def test_the_requester_may_reject_through_a_link(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    ballot = await _confirm(run_store, _token(run_id, "reject"), RILEY, raised)
    assert ballot.outcome is not None and ballot.outcome.decision == "reject"


async def test_a_link_after_the_expiry_won_is_410_and_records_nothing(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    await run_store.close_approval(run_id)
    with pytest.raises(LinkRefused) as late:
        await open_link(run_store, KEYS, _token(run_id), ANA, NOW)
    assert late.value.status == 410 and await run_store.list_votes(run_id) == [] and raised.calls == []


async def test_forged_token_is_refused_unchanged(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    forged = SigningKeys.parse("k1:attacker-key-0123456789-long-enough-for-hmac").sign(
        ApprovalClaims(run_id, "approve", "3", NOW)
    )
    with pytest.raises(BadSignature):
        await confirm_link(run_store, KEYS, forged, MALLORY, {}, raised, NOW - timedelta(hours=1))
    await _unchanged(run_store, run_id, raised)


async def test_tampered_token_is_refused_unchanged(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    good = _token(run_id, "reject")
    tampered = _token(run_id, "approve").split(".")[0] + "." + good.split(".")[1]
    with pytest.raises(BadSignature):
        await confirm_link(run_store, KEYS, tampered, MALLORY, {}, raised, NOW)
    await _unchanged(run_store, run_id, raised)


async def test_expired_token_is_refused_unchanged(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    with pytest.raises(TokenExpired):
        await confirm_link(run_store, KEYS, _token(run_id, hours=1), ANA, {}, raised, NOW + timedelta(hours=2))
    await _unchanged(run_store, run_id, raised)


async def test_wrong_run_tokens_are_refused_unchanged(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    other = await _awaiting(run_store, version="7")
    with pytest.raises(LinkRefused) as unknown:
        await confirm_link(run_store, KEYS, _token("9b2f3f0e-3c55-4b8e-9d55-0c3c4ce1a001"), ANA, {}, raised, NOW)
    assert unknown.value.status == 404
    with pytest.raises(LinkRefused) as stale:  # a link minted for version 3 cannot decide a run on version 7
        await _confirm(run_store, _token(other), ANA, raised)
    assert (stale.value.status, stale.value.code) == (409, "wrong_model")
    await _unchanged(run_store, run_id, raised)
    await _unchanged(run_store, other, raised)


async def test_run_no_longer_awaiting_and_disabled_links_are_refused(run_store: RunStore):
    run_id, raised = await _awaiting(run_store), Raised()
    await run_store.record_transition(run_id, "failed", "failed", fields=RunFields(failure_reason="x"))
    with pytest.raises(LinkRefused) as late:
        await _confirm(run_store, _token(run_id), ANA, raised)
    assert late.value.status == 409 and await run_store.get_approval(run_id) is None
    with pytest.raises(LinkRefused) as disabled:
        await open_link(run_store, None, _token(run_id), ANA, NOW)
    assert disabled.value.status == 503 and raised.calls == []
