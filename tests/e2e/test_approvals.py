"""End to end through devhost: approval cards reach the (local) Teams webhook and their links decide runs.

A signed-in approver's browser follows the card's Approve/Reject URL (GET, then POST of the confirm form);
replays, a second approver and links after the deadline change nothing.

One devhost and three runs serve the whole module: each module-scoped fixture below is one chapter of the
story (previews, decisions, a forged event, the reminder, the deadline) and records what was seen then; each
test checks one behaviour of one chapter, so the first failure hides none of the others. A chapter runs the
ones before it first: the clock is advanced only once both decisions are in.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Api, devhost_starter, wait_until

BROWSER = {"Accept": "text/html,application/xhtml+xml"}
READY = "Model ready for approval"


def _cards(api: Api, run_id: str) -> dict[str, dict[str, Any]]:
    """The cards the local Teams receiver got for the run, by title."""
    reply = httpx.get(f"{api.devhost.base_url}/admin/webhooks/teams", timeout=30)
    assert reply.status_code == 200, reply.text
    found = {}
    for message in reply.json()["messages"]:
        card = message["attachments"][0]["content"]
        facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
        if facts["Run"] == run_id:
            found[card["body"][0]["items"][0]["text"]] = card
    return found


def _button(card: dict[str, Any], title: str) -> str:
    return next(str(a["url"]) for a in card["actions"] if a["title"] == title)


def _facts(card: dict[str, Any]) -> dict[str, str]:
    return {f["title"]: f["value"] for f in card["body"][1]["facts"]}


def _browser(api: Api, user: str) -> dict[str, str]:
    """The headers of a browser signed in to devhost as ``user`` (an approver): its session cookie."""
    token = api.as_user(user).headers()["Authorization"].removeprefix("Bearer ")
    return {**BROWSER, "Cookie": f"AppServiceAuthSession={token}"}


def _follow(url: str, form: dict[str, str], headers: dict[str, str]) -> httpx.Response:
    """What a signed-in browser does with the card's button: GET the page, then submit its form (with the
    page's CSRF token)."""
    page = httpx.get(url, headers=headers, timeout=30)
    assert page.status_code == 200 and '<form method="post">' in page.text, page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None, page.text
    return httpx.post(url, data={**form, "csrf": html.unescape(csrf.group(1))}, headers=headers, timeout=60)


@dataclass(frozen=True)
class Awaiting:
    """Three runs awaiting approval: one to approve, one to reject, one nobody decides."""

    api: Api
    approved: str
    declined: str
    ignored: str
    ready: dict[str, Any]  # the approval card of ``approved``

    @property
    def ana(self) -> dict[str, str]:
        return _browser(self.api, "ana@contoso.com")


@pytest.fixture(scope="module")
def awaiting(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, tiny_model: Path
) -> Iterator[Awaiting]:
    start: Callable[..., Any] = devhost_starter(stack_env, tmp_path_factory.mktemp("approvals") / "devhost")
    with start() as devhost:
        api = Api(devhost)
        approved, declined, ignored = (
            api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0) for _ in range(3)
        )
        for run_id in (approved, declined, ignored):
            assert api.wait_for(run_id, {"awaiting_approval", "failed"})["status"] == "awaiting_approval"
        ready = wait_until(lambda: _cards(api, approved), lambda c: READY in c, 30, "the approval card")[READY]
        yield Awaiting(api, approved, declined, ignored, ready)


@dataclass(frozen=True)
class Previewed:
    statuses: list[int]
    approval: Any


@pytest.fixture(scope="module")
def previewed(awaiting: Awaiting) -> Previewed:
    """Link previews and scanners only GET the Approve link."""
    statuses = [httpx.get(_button(awaiting.ready, "Approve"), headers=awaiting.ana, timeout=30) for _ in range(2)]
    return Previewed([r.status_code for r in statuses], awaiting.api.run(awaiting.approved)["approval"])


@dataclass(frozen=True)
class Decided:
    approve: httpx.Response
    reject: httpx.Response
    replay: httpx.Response
    other: httpx.Response
    approved: dict[str, Any]
    declined: dict[str, Any]


@pytest.fixture(scope="module")
def decided(awaiting: Awaiting, previewed: Previewed) -> Decided:
    """Ana follows Approve on one run, Bo Reject on another; then Ana's POST is replayed and Eve tries Reject."""
    api = awaiting.api
    approve = _follow(_button(awaiting.ready, "Approve"), {"comment": "metrics look right"}, awaiting.ana)
    reject_url = _button(_cards(api, awaiting.declined)[READY], "Reject")
    reject = _follow(reject_url, {"comment": "not this one"}, _browser(api, "bo@contoso.com"))
    replay = httpx.post(_button(awaiting.ready, "Approve"), data={}, headers=awaiting.ana, timeout=30)
    eve = api.as_user("eve@contoso.com").headers() | {"Accept": "application/json"}
    other = httpx.post(_button(awaiting.ready, "Reject"), data={}, headers=eve, timeout=30)
    return Decided(
        approve,
        reject,
        replay,
        other,
        api.wait_for(awaiting.approved, {"completed", "failed"}),
        api.wait_for(awaiting.declined, {"completed", "failed"}),
    )


@dataclass(frozen=True)
class Forged:
    run: dict[str, Any]
    pending_timers: int


@pytest.fixture(scope="module")
def forged(awaiting: Awaiting, decided: Decided) -> Forged:
    """An event raised around the API (no decision recorded; payload JSON-encoded twice)."""
    devhost = awaiting.api.devhost
    payload = json.dumps(json.dumps({"decision": "approve", "approver": "mallory"}))
    url = f"{devhost.base_url}/runtime/webhooks/durabletask/instances/{awaiting.ignored}/raiseEvent/ApprovalDecision"
    raised = httpx.post(url, content=payload, headers={"Content-Type": "application/json"}, timeout=30)
    assert raised.status_code == 202, raised.text
    devhost.wait_idle()
    assert devhost.host.engine is not None
    return Forged(awaiting.api.run(awaiting.ignored), len(devhost.host.engine.pending_timers(awaiting.ignored)))


@dataclass(frozen=True)
class Reminded:
    cards: dict[str, dict[str, Any]]
    status: str


@pytest.fixture(scope="module")
def reminded(awaiting: Awaiting, forged: Forged) -> Reminded:
    """49 hours on: past the reminder (48 h), before the deadline (72 h)."""
    awaiting.api.devhost.advance(hours=49)
    return Reminded(_cards(awaiting.api, awaiting.ignored), awaiting.api.run(awaiting.ignored)["status"])


@dataclass(frozen=True)
class Expired:
    run: dict[str, Any]
    late: httpx.Response
    cards: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def expired(awaiting: Awaiting, reminded: Reminded) -> Expired:
    """73 hours on: past the deadline; then Ana follows the Approve link of the expired run."""
    api = awaiting.api
    api.devhost.advance(hours=24)
    run = api.wait_for(awaiting.ignored, {"completed", "failed"}, timeout=60)
    late = httpx.post(
        _button(_cards(api, awaiting.ignored)[READY], "Approve"), data={}, headers=awaiting.ana, timeout=30
    )
    return Expired(run, late, _cards(api, awaiting.ignored))


def test_the_approval_card_offers_approve_reject_and_links_with_the_gate_facts(awaiting: Awaiting):
    assert [a["title"] for a in awaiting.ready["actions"]] == [
        "Approve",
        "Reject",
        "Open run",
        "Open in Azure ML Studio",
    ]
    assert {"Base model", "Dataset", "MLScore", "Threshold", "Started by", "Decide before"} <= set(
        _facts(awaiting.ready)
    )


def test_a_link_preview_that_only_gets_the_page_decides_nothing(previewed: Previewed):
    assert (previewed.statuses, previewed.approval) == ([200, 200], None)


def test_following_approve_accepts_the_decision_naming_the_approver(decided: Decided):
    assert decided.approve.status_code == 202 and "ana@contoso.com" in decided.approve.text


def test_an_approved_run_completes_go_prod_with_the_decision_recorded_via_the_teams_link(decided: Decided):
    assert (decided.approved["status"], decided.approved["decision"]) == ("completed", "go_prod")
    assert decided.approved["approval"] | {"decided_at": None} == {
        "decision": "approve",
        "approver": "ana@contoso.com",
        "comment": "metrics look right",
        "via": "teams_link",
        "decided_at": None,
    }
    assert any(e["kind"] == "approval" and "via teams_link" in e["message"] for e in decided.approved["events"])


def test_an_approved_runs_orchestration_completes_with_no_timer_left(awaiting: Awaiting, decided: Decided):
    engine = awaiting.api.devhost.host.engine
    assert engine is not None and engine.pending_timers(awaiting.approved) == []
    wait_until(
        lambda: awaiting.api.run(awaiting.approved),
        lambda r: r["orchestration"]["runtime_status"] == "Completed",
        60,
        "the orchestration to complete",
    )


def test_the_go_prod_card_names_who_decided(awaiting: Awaiting, decided: Decided):
    final = wait_until(
        lambda: _cards(awaiting.api, awaiting.approved),
        lambda c: "Model approved for production" in c,
        30,
        "the go_prod card",
    )
    assert _facts(final["Model approved for production"])["Decided by"] == "ana@contoso.com"


def test_following_reject_completes_the_run_rejected_by_that_approver(awaiting: Awaiting, decided: Decided):
    assert decided.reject.status_code == 202
    assert (decided.declined["decision"], decided.declined["approval"]["approver"]) == ("rejected", "bo@contoso.com")
    engine = awaiting.api.devhost.host.engine
    assert engine is not None and engine.pending_timers(awaiting.declined) == []


def test_a_replayed_approve_is_refused_naming_who_already_decided(decided: Decided):
    assert decided.replay.status_code == 409
    assert re.search(r"Already decided by ana@contoso\.com at \d{4}-", decided.replay.text)


def test_a_second_approver_after_the_decision_is_refused(decided: Decided):
    assert (decided.other.status_code, decided.other.json()["error"]) == (409, "already_decided")


def test_an_event_raised_around_the_api_decides_nothing_and_the_wait_goes_on(forged: Forged):
    assert (forged.run["status"], forged.run["approval"], forged.pending_timers) == ("awaiting_approval", None, 1)


def test_a_reminder_card_goes_out_after_the_reminder_hours_and_the_run_still_waits(reminded: Reminded):
    assert "Reminder: a model still awaits your decision" in reminded.cards
    assert reminded.status == "awaiting_approval"


def test_the_deadline_expires_an_undecided_run(expired: Expired):
    assert (expired.run["decision"], expired.run["approval"]) == ("expired", None)
    assert "Approval window expired" in expired.cards


def test_a_link_followed_after_the_deadline_is_gone_and_decides_nothing(awaiting: Awaiting, expired: Expired):
    assert expired.late.status_code == 410
    assert awaiting.api.run(awaiting.ignored)["approval"] is None
