"""End to end through devhost: approval cards reach the (local) Teams webhook and their links decide runs.

A signed-in approver's browser follows the card's Approve/Reject URL (GET, then POST of the confirm form);
replays, a second approver and links after the deadline change nothing.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import Api, wait_until

BROWSER = {"Accept": "text/html,application/xhtml+xml"}


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


def test_teams_links_approve_reject_replay_and_expire(api: Api, tiny_model: Path):
    approved, declined, ignored = (
        api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0) for _ in range(3)
    )
    for run_id in (approved, declined, ignored):
        assert api.wait_for(run_id, {"awaiting_approval", "failed"})["status"] == "awaiting_approval"
    ready = wait_until(
        lambda: _cards(api, approved), lambda c: "Model ready for approval" in c, 30, "the approval card"
    )["Model ready for approval"]
    assert [a["title"] for a in ready["actions"]] == ["Approve", "Reject", "Open run", "Open in Azure ML Studio"]
    assert {"Base model", "Dataset", "MLScore", "Threshold", "Started by", "Decide before"} <= set(_facts(ready))

    approve_url = _button(ready, "Approve")
    ana = _browser(api, "ana@contoso.com")
    for _ in range(2):  # link previews and scanners only GET: nothing is decided
        assert httpx.get(approve_url, headers=ana, timeout=30).status_code == 200
    assert api.run(approved)["approval"] is None

    done = _follow(approve_url, {"comment": "metrics look right"}, ana)
    assert done.status_code == 202 and "ana@contoso.com" in done.text
    reject_url = _button(_cards(api, declined)["Model ready for approval"], "Reject")
    assert _follow(reject_url, {"comment": "not this one"}, _browser(api, "bo@contoso.com")).status_code == 202

    replay = httpx.post(approve_url, data={}, headers=ana, timeout=30)
    assert replay.status_code == 409 and re.search(r"Already decided by ana@contoso\.com at \d{4}-", replay.text)
    eve = api.as_user("eve@contoso.com").headers() | {"Accept": "application/json"}
    other = httpx.post(_button(ready, "Reject"), data={}, headers=eve, timeout=30)
    assert other.status_code == 409 and other.json()["error"] == "already_decided"

    run = api.wait_for(approved, {"completed", "failed"})
    assert (run["status"], run["decision"]) == ("completed", "go_prod")
    assert run["approval"] | {"decided_at": None} == {
        "decision": "approve",
        "approver": "ana@contoso.com",
        "comment": "metrics look right",
        "via": "teams_link",
        "decided_at": None,
    }
    assert any(e["kind"] == "approval" and "via teams_link" in e["message"] for e in run["events"])
    assert api.devhost.host.engine is not None and api.devhost.host.engine.pending_timers(approved) == []
    wait_until(
        lambda: api.run(approved),
        lambda r: r["orchestration"]["runtime_status"] == "Completed",
        60,
        "the orchestration to complete",
    )
    final = wait_until(lambda: _cards(api, approved), lambda c: "Model approved for production" in c, 30, "go_prod")
    assert _facts(final["Model approved for production"])["Decided by"] == "ana@contoso.com"

    rejected = api.wait_for(declined, {"completed", "failed"})
    assert (rejected["decision"], rejected["approval"]["approver"]) == ("rejected", "bo@contoso.com")
    assert api.devhost.host.engine.pending_timers(declined) == []

    # An event raised around the API (no decision recorded; payload JSON-encoded twice) decides nothing.
    forged = json.dumps(json.dumps({"decision": "approve", "approver": "mallory"}))
    events_url = f"{api.devhost.base_url}/runtime/webhooks/durabletask/instances/{ignored}/raiseEvent/ApprovalDecision"
    assert httpx.post(events_url, content=forged, headers={"Content-Type": "application/json"}).status_code == 202
    api.devhost.wait_idle()
    assert (api.run(ignored)["status"], api.run(ignored)["approval"]) == ("awaiting_approval", None)
    assert len(api.devhost.host.engine.pending_timers(ignored)) == 1

    api.devhost.advance(hours=49)
    assert "Reminder: a model still awaits your decision" in _cards(api, ignored)
    assert api.run(ignored)["status"] == "awaiting_approval"
    api.devhost.advance(hours=24)
    expired = api.wait_for(ignored, {"completed", "failed"}, timeout=60)
    assert (expired["decision"], expired["approval"]) == ("expired", None)
    late = _button(_cards(api, ignored)["Model ready for approval"], "Approve")
    assert httpx.post(late, data={}, headers=ana, timeout=30).status_code == 410
    assert "Approval window expired" in _cards(api, ignored) and api.run(ignored)["approval"] is None
