"""The demo's two users: a requester starts a run through the HTTP API and follows it stage by stage, then
a different user, an approver, approves it. Both sign in with devhost's local identity provider."""

from __future__ import annotations

import time
from typing import Any

import httpx

POLL_S = 2.0
TIMEOUT_S = 900.0


REQUESTER = "demo.requester@contoso.com"
APPROVER = "demo.approver@contoso.com"


def sign_in(api: str, user: str, role: str) -> dict[str, str]:
    """The Authorization header for ``user`` from devhost's token endpoint (Entra ID in Azure)."""
    origin = api.removesuffix("/").rsplit("/api", 1)[0]
    response = httpx.post(f"{origin}/.auth/local/token", json={"user": user, "roles": [role]}, timeout=30)
    _expect(response, 200)
    print(f"signed in as {user} ({role})")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def run_demo(api: str, *, model_id: str, dataset: str = "rag_qa") -> int:
    """Return 0 when the run ends ``go_prod``, 1 otherwise (the reason is printed)."""
    with httpx.Client(base_url=api, timeout=30, headers=sign_in(api, REQUESTER, "requester")) as http:
        response = http.post(
            "/runs",
            json={
                "model_id": model_id,
                "dataset": dataset,
                "experiment_name": "demo",
                "task_type": "finetune",
                "ml_score_threshold": 0.7,
            },
        )
        _expect(response, 202)
        run_id = response.json()["run_id"]
        print(f"run {run_id} accepted: {api}/runs/{run_id}")
        seen = [0]
        run = _follow(http, run_id, {"awaiting_approval", "completed", "failed"}, seen)
        _print_evaluation(run)
        _print_card_comparison(http, run_id)
        if run["status"] != "awaiting_approval":
            print(f"run ended {run['status']} ({run['decision'] or run['failure_reason']})")
            return 1
        approver = sign_in(api, APPROVER, "approver")
        decision = {"decision": "approve", "comment": "metrics reviewed in the demo"}
        _expect(http.post(f"/runs/{run_id}/approval", json=decision, headers=approver), 202)
        print(f"approved by {APPROVER}")
        run = _follow(http, run_id, {"completed", "failed"}, seen)
        print(f"final: status={run['status']} decision={run['decision']}")
        return 0 if run["decision"] == "go_prod" else 1


def _follow(http: httpx.Client, run_id: str, until: set[str], seen: list[int]) -> dict[str, Any]:
    """Print the run's new audit events (``seen[0]`` counts those already printed) until it reaches ``until``."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        response = http.get(f"/runs/{run_id}")
        _expect(response, 200)
        run: dict[str, Any] = response.json()
        for event in run["events"][seen[0] :]:
            print(f"  [{event['at'][11:19]}] {event['status'] or '':<17} {event['message']}")
        seen[0] = len(run["events"])
        if run["status"] in until:
            return run
        time.sleep(POLL_S)
    raise SystemExit(f"run {run_id} did not reach {sorted(until)} within {TIMEOUT_S:.0f} s")


def _print_evaluation(run: dict[str, Any]) -> None:
    if run["results"]:
        print("metrics:")
        for name, value in sorted(run["results"].items()):
            print(f"  {name:<20} {'NaN' if value is None else f'{value:.3f}'}")
    if run["ml_score"] is not None:
        print(f"MLScore {run['ml_score']:.3f} (threshold {run['ml_score_threshold']})")
    comparison = run.get("comparison") or {}
    if comparison:
        print(f"against production: {comparison.get('summary')}")
        for row in comparison.get("regressions") or []:
            answers = f"{row['candidate_response']!r} (champion: {row['champion_response']!r})"
            print(f"  worse #{row['idx']} ({row['diff']:+.3f}): {answers}")
    cards = [e["message"] for e in run["events"] if e.get("kind") == "card"]
    if cards:
        print(f"card sent to the approvers' channel: {cards[-1]}")


def _print_card_comparison(http: httpx.Client, run_id: str) -> None:
    """The approval card's "Against production" line, as the local Teams receiver got it."""
    origin = str(http.base_url).removesuffix("/").rsplit("/api", 1)[0]
    response = httpx.get(f"{origin}/admin/webhooks/teams", timeout=30)
    if response.status_code != 200:
        return
    for message in response.json().get("messages", []):
        facts = {f.get("title"): f.get("value") for f in _facts(message)}
        if facts.get("Run") == run_id and "Against production" in facts:
            print(f"card: Against production: {facts['Against production']}")


def _facts(node: Any) -> list[dict[str, Any]]:
    """Every FactSet fact anywhere in a posted card."""
    if isinstance(node, dict):
        found = list(node["facts"]) if node.get("type") == "FactSet" else []
        return found + [f for value in node.values() for f in _facts(value)]
    if isinstance(node, list):
        return [f for item in node for f in _facts(item)]
    return []


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise SystemExit(f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text}")
