"""HTTP triggers drive orchestrations through the real DurableOrchestrationClient against devhost."""

from __future__ import annotations

import httpx

from tests.fixtures.devhost import RunningDevHost


def flow(host: RunningDevHost, flow_id: str) -> dict:
    reply = httpx.get(f"{host.base_url}/api/flows/{flow_id}")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_start_returns_check_status_response(sample_host: RunningDevHost) -> None:
    reply = httpx.post(f"{sample_host.base_url}/api/flows/f1", json={"name": "Ada"})
    assert reply.status_code == 202
    body = reply.json()
    assert body["id"] == "f1"
    assert reply.headers["Location"] == body["statusQueryGetUri"]
    assert body["statusQueryGetUri"].startswith(f"{sample_host.base_url}/runtime/webhooks/durabletask/instances/f1?")
    assert "taskHub=SampleHub" in body["statusQueryGetUri"]
    sample_host.wait_idle()
    status = httpx.get(body["statusQueryGetUri"])
    assert status.status_code == 202
    assert status.json()["runtimeStatus"] == "Running"
    assert status.json()["customStatus"] == {"stage": "awaiting_approval", "greeting": "Hello Ada"}


def test_raise_event_through_the_client_completes_the_flow(sample_host: RunningDevHost) -> None:
    httpx.post(f"{sample_host.base_url}/api/flows/f2", json={"name": "Bo"}).raise_for_status()
    sample_host.wait_idle()
    assert httpx.post(f"{sample_host.base_url}/api/flows/f2/approve", json={"approved": True}).status_code == 202
    sample_host.wait_idle()
    state = flow(sample_host, "f2")
    assert state["runtime_status"] == "Completed"
    assert state["output"] == {"greeting": "Hello Bo", "decision": {"approved": True}, "source": None}
    assert "EventRaised" in state["history_types"]
    late = httpx.post(f"{sample_host.base_url}/api/flows/f2/approve", json={"approved": False})
    assert (late.status_code, "is gone" in late.text) == (409, True)


def test_virtual_clock_fires_the_72h_timer(sample_host: RunningDevHost) -> None:
    httpx.post(f"{sample_host.base_url}/api/flows/f3", json={"name": "Cy"}).raise_for_status()
    sample_host.wait_idle()
    sample_host.advance(hours=71)
    assert flow(sample_host, "f3")["runtime_status"] == "Running"
    sample_host.advance(hours=1)
    state = flow(sample_host, "f3")
    assert (state["runtime_status"], state["output"]["decision"]) == ("Completed", "expired")


def test_wait_for_completion_falls_back_to_check_status(sample_host: RunningDevHost) -> None:
    reply = httpx.post(f"{sample_host.base_url}/api/flows/w1/wait", json={"name": "Di"}, timeout=30)
    assert reply.status_code == 202
    assert reply.json()["id"] == "w1"


def test_terminate_list_and_purge_through_the_client(sample_host: RunningDevHost) -> None:
    base = sample_host.base_url
    for flow_id in ("t1", "t2"):
        httpx.post(f"{base}/api/flows/{flow_id}", json={"name": flow_id}).raise_for_status()
    sample_host.wait_idle()
    assert httpx.post(f"{base}/api/flows/t1/terminate").status_code == 202
    sample_host.wait_idle()
    assert httpx.get(f"{base}/api/flows", params={"status": "Terminated"}).json() == ["t1"]
    assert httpx.get(f"{base}/api/flows", params={"status": "Running"}).json() == ["t2"]
    assert httpx.delete(f"{base}/api/flows/t1").text == "1"
    assert httpx.delete(f"{base}/api/flows/t1").text == "0"
    assert httpx.get(f"{base}/api/flows/t1").status_code == 404


def test_sync_function_route_constraints_and_failures(sample_host: RunningDevHost) -> None:
    base = sample_host.base_url
    reply = httpx.get(f"{base}/api/hello/Ada", params={"greeting": "Hi"})
    assert (reply.status_code, reply.text, reply.headers["X-Sample"]) == (200, "Hi Ada", "yes")
    assert httpx.get(f"{base}/api/hello/123").status_code == 404
    assert httpx.post(f"{base}/api/hello/Ada").status_code == 404
    failed = httpx.get(f"{base}/api/boom")
    assert failed.status_code == 500
    assert failed.json() == {"error": "RuntimeError: sample failure", "function": "boom"}
    assert httpx.get(f"{base}/admin/health").json()["status"] == "ok"
    assert httpx.post(f"{base}/admin/clock/advance", json={"hours": 1}).status_code == 400
    assert httpx.post(f"{base}/admin/idle", params={"timeout": "soon"}).status_code == 400
