"""The HTTP API contract through devhost: validation, status codes, datasets, health, OpenAPI."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import APPROVER, ROOT, Api

VALID = {"model_id": "org/model", "dataset": "rag_qa", "experiment_name": "e2e", "task_type": "finetune"}


def _run_count(api: Api) -> int:
    return len(api.get("/runs?limit=500").json()["runs"])


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        ({**VALID, "task_type": "deploy", "ml_score_threshold": 2}, 422, {"task_type", "ml_score_threshold"}),
        ({"dataset": "rag_qa"}, 422, {"model_id", "experiment_name", "task_type"}),
        ({**VALID, "metric_weights": {"bogus": 1}}, 422, {"metric_weights"}),
        ({**VALID, "dataset": "nope"}, 404, {"dataset"}),
    ],
)
def test_bad_run_requests_name_the_field_and_write_nothing(api: Api, body, status, fields):
    before = _run_count(api)
    response = api.post("/runs", body)
    assert response.status_code == status, response.text
    assert fields <= set(response.json()["fields"])
    assert _run_count(api) == before


def test_non_json_bodies_and_bad_queries_are_400(api: Api):
    assert api.post("/runs", content=b"{oops").status_code == 400
    bogus = api.get("/runs?status=bogus")
    assert bogus.status_code == 400 and "status" in bogus.json()["fields"]
    assert api.get("/runs?limit=0").status_code == 400
    assert api.get("/runs/not-a-uuid").status_code == 404
    assert api.get("/runs/00000000-0000-0000-0000-000000000000").status_code == 404
    assert (
        api.as_user(APPROVER)
        .post("/runs/00000000-0000-0000-0000-000000000000/approval", {"decision": "approve"})
        .status_code
        == 404
    )


def test_an_unloadable_model_fails_the_run_with_the_reason_and_refuses_approval(api: Api):
    run_id = api.start_run("acme/does-not-exist")
    assert api.as_user(APPROVER).post(f"/runs/{run_id}/approval", {"decision": "approve"}).status_code == 409
    run = api.wait_for(run_id, {"completed", "failed"}, timeout=120)
    assert run["status"] == "failed" and "acme/does-not-exist" in run["failure_reason"]
    assert run["orchestration"]["custom_status"]["status"] == "failed"
    listed = api.get("/runs?status=failed").json()["runs"]
    assert run_id in [r["run_id"] for r in listed]


def test_datasets_are_listed_and_registered_after_validation(api: Api):
    names = {d["name"]: d for d in api.get("/datasets").json()["datasets"]}
    assert {"rag_qa", "medical", "legal"} <= set(names) and names["rag_qa"]["train_rows"] > 0
    rag = names["rag_qa"]
    missing = api.post(
        "/datasets",
        {
            "name": "broken",
            "domain": "x",
            "train_uri": "blob://datasets/none.jsonl",
            "eval_uri": rag["eval_uri"],
        },
    )
    assert missing.status_code == 404 and "train_uri" in missing.json()["fields"]
    created = api.post(
        "/datasets",
        {"name": "rag_copy", "domain": "rag_qa", "train_uri": rag["train_uri"], "eval_uri": rag["eval_uri"]},
    )
    assert created.status_code == 201 and created.json()["train_rows"] == rag["train_rows"]
    assert (
        api.post(
            "/datasets",
            {
                "name": "rag_copy",
                "domain": "rag_qa",
                "train_uri": rag["train_uri"],
                "eval_uri": rag["eval_uri"],
            },
        ).status_code
        == 409
    )


def test_health_reports_each_dependency(api: Api):
    response = api.get("/health")
    assert response.status_code == 200, response.text
    assert set(response.json()["dependencies"]) == {"database", "blob", "servicebus", "mlflow", "durable"}


def test_the_served_openapi_document_is_the_repo_one_and_covers_every_route(api: Api):
    served = api.get("/openapi.json").json()
    assert served == json.loads((ROOT / "triggers" / "openapi.json").read_text())
    import function_app

    function_app.app.functions_bindings = None
    routes = {
        (f"/{f.get_trigger().route}", str(getattr(method, "value", method)).lower())
        for f in function_app.app.get_functions()
        if f.get_trigger().get_binding_name() == "httpTrigger"
        for method in f.get_trigger().methods
    }
    documented = {(path, method) for path, ops in served["paths"].items() for method in ops}
    assert routes == documented
