"""The /runtime/webhooks/durabletask API answers with the Durable extension's status codes."""

from __future__ import annotations

import httpx

from tests.fixtures.devhost import RunningDevHost

HOOK = "/runtime/webhooks/durabletask"


def test_start_conflict_unknown_and_status(sample_host: RunningDevHost) -> None:
    base = sample_host.base_url + HOOK
    started = httpx.post(f"{base}/orchestrators/approval_flow/m1", json={"name": "Ed"})
    assert started.status_code == 202
    assert started.headers["Location"].startswith(f"{base}/instances/m1?")
    assert httpx.post(f"{base}/orchestrators/approval_flow/m1", json={}).status_code == 409
    unknown = httpx.post(f"{base}/orchestrators/no_such_flow", json={})
    assert unknown.status_code == 400
    assert "no_such_flow" in unknown.json()["ExceptionMessage"]
    assert httpx.post(f"{base}/orchestrators/approval_flow/bad", content=b"{nope").status_code == 400
    sample_host.wait_idle()
    status = httpx.get(f"{base}/instances/m1", params={"showHistory": "true"})
    assert status.status_code == 202 and status.headers["Retry-After"] == "5"
    assert status.json()["input"] == {"name": "Ed"}
    assert status.json()["historyEvents"][0]["EventType"] == "ExecutionStarted"
    assert httpx.get(f"{base}/instances/m1", params={"showInput": "false"}).json()["input"] is None
    assert httpx.get(f"{base}/instances/nope").status_code == 404


def test_raise_event_terminate_and_purge_codes(sample_host: RunningDevHost) -> None:
    base = sample_host.base_url + HOOK
    httpx.post(f"{base}/orchestrators/approval_flow/m2", json={"name": "Flo"}).raise_for_status()
    sample_host.wait_idle()
    assert httpx.post(f"{base}/instances/nope/raiseEvent/Approval", json=1).status_code == 404
    plain = httpx.post(
        f"{base}/instances/m2/raiseEvent/Approval", content=b"yes", headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 400
    assert httpx.post(f"{base}/instances/m2/terminate", params={"reason": "test"}).status_code == 202
    sample_host.wait_idle()
    assert httpx.get(f"{base}/instances/m2").json()["runtimeStatus"] == "Terminated"
    assert httpx.post(f"{base}/instances/m2/terminate").status_code == 410
    assert httpx.post(f"{base}/instances/m2/raiseEvent/Approval", json=1).status_code == 410
    listed = httpx.get(f"{base}/instances", params={"runtimeStatus": "Terminated,Completed"})
    assert [s["instanceId"] for s in listed.json()] == ["m2"]
    assert httpx.delete(f"{base}/instances/m2").json() == {"instancesDeleted": 1}
    assert httpx.delete(f"{base}/instances/m2").status_code == 404
    assert httpx.post(f"{base}/instances/nope/terminate").status_code == 404


def test_completed_instance_returns_200_and_wait_returns_output(sample_host: RunningDevHost) -> None:
    base = sample_host.base_url + HOOK
    httpx.post(f"{base}/orchestrators/approval_flow/m3", json={"name": "Gus"}).raise_for_status()
    sample_host.wait_idle()
    httpx.post(f"{base}/instances/m3/raiseEvent/Approval", json="ok").raise_for_status()
    sample_host.wait_idle()
    done = httpx.get(f"{base}/instances/m3")
    assert (done.status_code, done.json()["output"]["decision"]) == (200, "ok")
    assert "Location" not in done.headers
    httpx.post(f"{base}/orchestrators/approval_flow/m4", json={"name": "Hal"}).raise_for_status()
    waited = httpx.post(
        f"{base}/orchestrators/approval_flow/m5",
        params={"timeout": "1", "pollingInterval": "0.2"},
        json={"name": "Ivy"},
        timeout=10,
    )
    assert waited.status_code == 202
