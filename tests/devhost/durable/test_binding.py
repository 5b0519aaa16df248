"""The client binding JSON is what the real DurableOrchestrationClient needs to reach devhost."""

from __future__ import annotations

import json

import azure.durable_functions as df
import azure.functions as func

from devhost.durable.binding import client_binding_json, management_urls

ORIGIN = "http://127.0.0.1:7071"
HOOK = f"{ORIGIN}/runtime/webhooks/durabletask"


def test_client_urls_point_at_the_management_api() -> None:
    client = df.DurableOrchestrationClient(client_binding_json(ORIGIN, "Hub"))
    assert client._orchestration_bindings.rpc_base_url == f"{HOOK}/"
    assert client._orchestration_bindings.task_hub_name == "Hub"
    assert client._get_start_new_url("i1", "flow") == f"{HOOK}/orchestrators/flow/i1"
    assert client._get_raise_event_url("i1", "Go", None, None) == f"{HOOK}/instances/i1/raiseEvent/Go"


def test_check_status_response_uses_the_request_origin() -> None:
    client = df.DurableOrchestrationClient(client_binding_json(ORIGIN, "Hub"))
    request = func.HttpRequest("POST", "http://localhost:9999/api/start", body=b"")
    response = client.create_check_status_response(request, "run1")
    payload = json.loads(response.get_body())
    assert response.status_code == 202
    assert payload["id"] == "run1"
    assert payload["statusQueryGetUri"] == (
        "http://localhost:9999/runtime/webhooks/durabletask/instances/run1?taskHub=Hub&connection=Storage"
    )
    assert response.headers["Location"] == payload["statusQueryGetUri"]


def test_management_urls_match_the_extension_templates() -> None:
    urls = management_urls(ORIGIN, "abc", "Hub")
    query = "taskHub=Hub&connection=Storage"
    assert urls["sendEventPostUri"] == f"{HOOK}/instances/abc/raiseEvent/{{eventName}}?{query}"
    assert urls["terminatePostUri"] == f"{HOOK}/instances/abc/terminate?reason={{text}}&{query}"
    assert urls["purgeHistoryDeleteUri"] == urls["statusQueryGetUri"] == f"{HOOK}/instances/abc?{query}"
