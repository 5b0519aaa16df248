"""The API the UI reads beyond the run row, through devhost: dashboard, MLflow metrics, worst samples,
dataset preview; and the defaults the start form shows."""

from __future__ import annotations

import json
from pathlib import Path

from mlops.evaluation import MetricWeights
from tests.e2e.conftest import ROOT, Api

MISSING = "00000000-0000-0000-0000-000000000000"


def test_metrics_samples_and_dashboard_of_a_run(api: Api, tiny_model: Path) -> None:
    run_id = api.start_run(str(tiny_model), ml_score_threshold=0.0)
    assert api.get("/dashboard").json()["active_runs"] >= 1  # the session's database is shared by e2e tests
    run = api.wait_for(run_id, {"awaiting_approval", "failed"})
    assert run["status"] == "awaiting_approval", run

    mlflow_runs = api.get(f"/runs/{run_id}/metrics").json()["mlflow_runs"]
    by_stage = {r["stage"]: r for r in mlflow_runs}
    assert {"training", "evaluation"} <= set(by_stage)
    losses = by_stage["training"]["metrics"]["train_loss"]
    assert [p["step"] for p in losses] == sorted(p["step"] for p in losses) and len(losses) >= 2
    assert by_stage["evaluation"]["metrics"]["ml_score"][-1]["value"] == run["ml_score"]

    samples = api.get(f"/runs/{run_id}/samples?limit=3").json()["samples"]
    assert len(samples) == 3 and {"question", "reference", "response", "scores", "score"} <= set(samples[0])
    scores = [s["score"] for s in samples if s["score"] is not None]
    assert scores == sorted(scores)
    everything = api.get(f"/runs/{run_id}/samples?limit=100").json()["samples"]
    assert min(s["score"] for s in everything if s["score"] is not None) == scores[0]

    board = api.get("/dashboard?days=30").json()
    assert board["active_runs"] >= 1 and board["runs"] >= board["finished_runs"] + 1
    assert run_id in [p["run_id"] for p in board["scores"]]
    assert board["stage_seconds"]["training"] > 0 and board["stage_seconds"]["evaluation"] > 0


def test_insight_routes_refuse_bad_input(api: Api) -> None:
    assert api.get("/dashboard?days=0").status_code == 400
    assert api.get(f"/runs/{MISSING}/metrics").status_code == 404
    assert api.get("/runs/not-a-uuid/samples").status_code == 404
    assert api.get(f"/runs/{MISSING}/samples?limit=0").status_code == 400
    preview = api.get("/datasets/rag_qa/rows?split=eval&limit=2").json()
    assert len(preview["rows"]) == 2 and {"question", "context", "answer"} <= set(preview["rows"][0])
    assert api.get("/datasets/rag_qa/rows?split=test").status_code == 400
    assert api.get("/datasets/nope/rows").status_code == 404


def test_the_documented_default_weights_are_the_ones_applied() -> None:
    document = json.loads((ROOT / "triggers" / "openapi.json").read_text())
    weights = document["components"]["schemas"]["RunRequest"]["properties"]["metric_weights"]["default"]
    assert weights == MetricWeights().as_dict()
