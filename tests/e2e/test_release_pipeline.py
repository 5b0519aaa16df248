"""End to end through devhost: the user-visible outcomes of a release run, driven over HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import mlflow

from mlops.training.launch import jobs_dir
from tests.e2e.conftest import APPROVER, Api, wait_until


def _tags(tracking_uri: str, name: str, run_id: str) -> dict[str, str]:
    """The tags of the run's version (the runs of a test register theirs in whatever order they finish)."""
    client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    versions = [v for v in client.search_model_versions(f"name = '{name}'") if v.tags.get("run_id") == run_id]
    assert versions, f"no registered version of {name} for run {run_id}"
    return dict(max(versions, key=lambda v: int(v.version)).tags)


def _statuses(run: dict) -> list[str]:
    return [event["status"] for event in run["events"] if event.get("kind") == "transition"]


def _cards(run: dict) -> list[str]:
    return [event["message"] for event in run["events"] if event.get("kind") == "card"]


def _ended(api: Api, run_id: str, timeout: float = 300) -> dict:
    """The run once final and its orchestration ended: the run's status is written a step before its last
    card is recorded and before the orchestration returns."""
    api.wait_for(run_id, {"completed", "failed"}, timeout)
    return wait_until(
        lambda: api.run(run_id),
        lambda run: run["orchestration"]["runtime_status"] in {"Completed", "Failed", "Terminated"},
        60,
        f"run {run_id}'s orchestration to end",
    )


def _broken_model(tiny_model: Path, tmp_path: Path) -> Path:
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    for weights in broken.glob("*.safetensors"):
        weights.write_bytes(b"not a safetensors file")
    return broken


def test_approve_reject_gate_and_training_failure(api: Api, tiny_model: Path, stack_env, tmp_path):
    approved = api.start_run(str(tiny_model), ml_score_threshold=0.0)
    declined = api.start_run(str(tiny_model), ml_score_threshold=0.0)
    below = api.start_run(str(tiny_model), ml_score_threshold=1.0)
    failing = api.start_run(str(_broken_model(tiny_model, tmp_path)))

    for run_id in (approved, declined):
        run = api.wait_for(run_id, {"awaiting_approval", "failed"}, timeout=900)  # 4 runs' jobs share 2 cores
        assert run["status"] == "awaiting_approval", run
        assert set(run["results"]) >= {"exact_match", "rouge_l", "semantic_similarity"}
        assert run["ml_score"] is not None and run["orchestration"]["custom_status"]["status"] == "awaiting_approval"
        assert "approval_requested card" in _cards(run)

    ana, bo, eve = (api.as_user(f"{name}@contoso.com") for name in ("ana", "bo", "eve"))
    assert ana.post(f"/runs/{approved}/approval", {"decision": "approve", "comment": "ok"}).status_code == 202
    assert bo.post(f"/runs/{declined}/approval", {"decision": "reject"}).status_code == 202
    second = eve.post(f"/runs/{approved}/approval", {"decision": "reject"})
    assert second.status_code == 409 and "ana@contoso.com" in second.json()["message"]

    done = _ended(api, approved)
    assert (done["status"], done["decision"]) == ("completed", "go_prod")
    assert _statuses(done) == [
        "pending",
        "loading",
        "training",
        "evaluating",
        "awaiting_approval",
        "completed",
    ]
    assert done["approval"]["approver"] == "ana@contoso.com" and done["orchestration"]["runtime_status"] == "Completed"
    tags = _tags(stack_env["MLFLOW_TRACKING_URI"], "tiny-mistral-ft", approved)
    assert {"lifecycle", "validation", "deployment_status", "run_id"} <= set(tags)
    assert (tags["deployment_status"], tags["validation"]) == ("go_prod", "validated")

    rejected = _ended(api, declined)
    assert (rejected["status"], rejected["decision"]) == ("completed", "rejected")

    gated = _ended(api, below, timeout=600)
    assert (gated["status"], gated["decision"]) == ("completed", "rejected")
    assert "awaiting_approval" not in _statuses(gated) and "rejected card" in _cards(gated)
    assert "< threshold 1.0" in gated["events"][-1]["message"]

    failed = _ended(api, failing)
    assert failed["status"] == "failed" and "training job failed" in failed["failure_reason"]
    assert "failed card" in _cards(failed) and failed["decision"] is None


def test_approval_expires_after_72_hours(api: Api, tiny_model: Path):
    run_id = api.start_run(str(tiny_model), ml_score_threshold=0.0)
    api.wait_for(run_id, {"awaiting_approval"}, timeout=600)
    api.devhost.advance(hours=71)
    assert api.run(run_id)["status"] == "awaiting_approval"
    api.devhost.advance(hours=2)
    run = api.wait_for(run_id, {"completed", "failed"}, timeout=60)
    assert (run["status"], run["decision"]) == ("completed", "expired")
    assert api.as_user(APPROVER).post(f"/runs/{run_id}/approval", {"decision": "approve"}).status_code == 410


def test_staging_and_scoring_run_as_jobs_outside_the_function_host(api: Api, tiny_model: Path, stack_env, tmp_path):
    model = tmp_path / "fresh-model"  # a model id no earlier run staged
    shutil.copytree(tiny_model, model)
    run_id = api.start_run(str(model), task_type="evaluate", ml_score_threshold=1.0)
    run = api.wait_for(run_id, {"completed", "failed"}, timeout=600)
    assert (run["status"], run["decision"]) == ("completed", "rejected")
    details = [event.get("details") or {} for event in run["events"]]
    jobs = [d["job_name"] for d in details if d.get("mode") in ("stage", "score")]
    assert jobs == [f"local-stage-{run_id}", f"local-score-{run_id}"]
    log = (jobs_dir(Path(stack_env["MODEL_CACHE_DIR"])) / f"{run_id}.log").read_text()
    assert f"staged {model} in" in log and "scored 1 of 1 batches" in log
