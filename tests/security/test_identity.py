"""Attacks on who may start and decide a run, tried through the real HTTP API on devhost; each is refused and
leaves nothing recorded."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from devhost.identity import LocalIdentityProvider
from tests.e2e.conftest import Api, wait_until

REQUESTER = "riley.requester@contoso.com"
ANA, BO = "ana.approver@contoso.com", "bo.approver@contoso.com"
OID = "http://schemas.microsoft.com/identity/claims/objectidentifier"


def _runs(api: Api) -> list[str]:
    return [r["run_id"] for r in api.get("/runs?limit=500").json()["runs"]]


def _forged_principal(name: str, roles: list[str]) -> str:
    claims = [{"typ": OID, "val": "00000000-0000-4000-8000-000000000bad"}, {"typ": "name", "val": name}]
    claims += [{"typ": "roles", "val": role} for role in roles]
    return base64.b64encode(json.dumps({"auth_typ": "aad", "claims": claims}).encode()).decode()


@pytest.fixture(scope="module")
def awaiting(secured: Api, tiny_model: Path) -> dict[str, str]:
    """Three runs awaiting approval, started by a requester who also holds the approver role."""
    requester = secured.as_user(REQUESTER, roles=["requester", "approver"])
    names = ("two_approvals", "requester_decides", "deadline")
    runs = {n: requester.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0) for n in names}
    for run_id in runs.values():
        assert requester.wait_for(run_id, {"awaiting_approval", "failed"}, timeout=900)["status"] == "awaiting_approval"
    return runs


def _routes(api: Api) -> list[tuple[str, str]]:
    document = api.get("/openapi.json").json()
    return [(method.upper(), path) for path, ops in document["paths"].items() for method in ops]


def test_every_api_route_but_health_and_openapi_is_401_without_identity(secured: Api):
    run_id = "00000000-0000-4000-8000-000000000001"
    for method, path in _routes(secured):
        if path in ("/health", "/openapi.json") or path.startswith("/approvals/"):
            continue
        url = secured.base + path.replace("{run_id}", run_id).replace("{name}", "rag_qa")
        reply = httpx.request(method, url, json={}, headers={"Accept": "application/json"}, timeout=30)
        assert (reply.status_code, reply.json()["error"]) == (401, "unauthenticated"), (method, path)


def test_health_and_openapi_stay_anonymous(secured: Api):
    assert httpx.get(f"{secured.base}/openapi.json", timeout=30).status_code == 200
    assert httpx.get(f"{secured.base}/health", timeout=30).status_code in (200, 503)


def test_a_forged_principal_header_is_401_and_starts_nothing(secured: Api):
    before = _runs(secured)
    forged = {
        "X-MS-CLIENT-PRINCIPAL": _forged_principal("mallory@contoso.com", ["requester", "approver"]),
        "X-MS-CLIENT-PRINCIPAL-NAME": "mallory@contoso.com",
        "X-MS-CLIENT-PRINCIPAL-ID": "00000000-0000-4000-8000-000000000bad",
    }
    body = {"model_id": "org/m", "dataset": "rag_qa", "experiment_name": "x", "task_type": "evaluate"}
    assert httpx.post(f"{secured.base}/runs", json=body, headers=forged, timeout=30).status_code == 401
    assert _runs(secured) == before


def test_a_token_from_another_identity_provider_is_401(secured: Api, tmp_path: Path):
    token = LocalIdentityProvider.load_or_create(tmp_path).issue("mallory@contoso.com", ["requester"])
    reply = httpx.get(f"{secured.base}/runs", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert reply.status_code == 401


def test_an_approver_without_the_requester_role_cannot_start_a_run(secured: Api):
    before = _runs(secured)
    body = {"model_id": "org/m", "dataset": "rag_qa", "experiment_name": "x", "task_type": "evaluate"}
    reply = secured.as_user(ANA).post("/runs", body)
    assert reply.status_code == 403 and "requester" in reply.json()["message"]
    assert _runs(secured) == before


def test_a_non_approver_cannot_decide(secured: Api, awaiting: dict[str, str]):
    run_id = awaiting["two_approvals"]
    reply = secured.as_user("eve@contoso.com", roles=["requester"]).post(
        f"/runs/{run_id}/approval", {"decision": "approve"}
    )
    assert reply.status_code == 403
    assert secured.run(run_id)["approvals"]["votes"] == []


def test_the_requester_cannot_approve_their_own_run(secured: Api, awaiting: dict[str, str]):
    run_id = awaiting["requester_decides"]
    requester = secured.as_user(REQUESTER, roles=["requester", "approver"])
    reply = requester.post(f"/runs/{run_id}/approval", {"decision": "approve"})
    assert (reply.status_code, reply.json()["error"]) == (403, "separation_of_duties")
    assert secured.run(run_id)["approvals"]["votes"] == []


def test_the_requester_may_reject_their_own_run(secured: Api, awaiting: dict[str, str]):
    run_id = awaiting["requester_decides"]
    requester = secured.as_user(REQUESTER, roles=["requester", "approver"])
    assert requester.post(f"/runs/{run_id}/approval", {"decision": "reject"}).status_code == 202
    assert secured.wait_for(run_id, {"completed", "failed"})["decision"] == "rejected"


def test_the_same_approver_twice_does_not_make_two_approvals(secured: Api, awaiting: dict[str, str]):
    run_id = awaiting["two_approvals"]
    ana = secured.as_user(ANA)
    first = ana.post(f"/runs/{run_id}/approval", {"decision": "approve"})
    assert first.status_code == 202 and first.json()["approvals"] == "1 of 2 approvals"
    again = ana.post(f"/runs/{run_id}/approval", {"decision": "approve"})
    assert (again.status_code, again.json()["error"]) == (409, "already_voted")
    run = secured.run(run_id)
    assert (run["status"], run["approvals"]["summary"]) == ("awaiting_approval", "1 of 2 approvals")


def test_a_second_distinct_approver_releases_the_run(secured: Api, awaiting: dict[str, str]):
    run_id = awaiting["two_approvals"]
    assert secured.as_user(BO).post(f"/runs/{run_id}/approval", {"decision": "approve"}).status_code == 202
    run = secured.wait_for(run_id, {"completed", "failed"})
    assert (run["decision"], run["approvals"]["summary"]) == ("go_prod", "2 of 2 approvals")
    assert {v["approver"] for v in run["approvals"]["votes"]} == {ANA, BO}


def test_no_api_response_carries_a_card_link(secured: Api, awaiting: dict[str, str]):
    cards = httpx.get(f"{secured.devhost.base_url}/admin/webhooks/teams", timeout=30).json()["messages"]
    links = [a["url"] for m in cards for a in m["attachments"][0]["content"]["actions"] if "/approvals/" in a["url"]]
    assert links, "the approval cards carry signed links"
    tokens = [link.rsplit("/", 1)[1] for link in links]
    paths = ["/runs?limit=500", "/dashboard", "/datasets"]
    for run_id in awaiting.values():
        paths += [f"/runs/{run_id}", f"/runs/{run_id}/metrics", f"/runs/{run_id}/samples?limit=100"]
    for path in paths:
        text = secured.get(path).text
        assert "/approvals/" not in text and not any(token in text for token in tokens), path


def test_a_browser_without_a_session_is_sent_to_sign_in(secured: Api, awaiting: dict[str, str]):
    cards = httpx.get(f"{secured.devhost.base_url}/admin/webhooks/teams", timeout=30).json()["messages"]
    link = next(a["url"] for m in cards for a in m["attachments"][0]["content"]["actions"] if "/approvals/" in a["url"])
    reply = httpx.get(link, headers={"Accept": "text/html"}, timeout=30)
    assert reply.status_code == 302 and reply.headers["Location"].startswith(
        "/.auth/login/aad?post_login_redirect_uri="
    )
    assert httpx.get(link, headers={"Accept": "application/json"}, timeout=30).status_code == 401


def test_a_decision_after_the_deadline_is_410_and_not_recorded(secured: Api, awaiting: dict[str, str]):
    run_id = awaiting["deadline"]
    secured.devhost.advance(hours=73)
    wait_until(lambda: secured.run(run_id), lambda r: r["status"] == "completed", 60, "the expiry")
    reply = secured.as_user(ANA).post(f"/runs/{run_id}/approval", {"decision": "approve"})
    assert (reply.status_code, reply.json()["error"]) == (410, "approval_window_closed")
    run: dict[str, Any] = secured.run(run_id)
    assert (run["decision"], run["approval"], run["approvals"]["votes"]) == ("expired", None, [])
