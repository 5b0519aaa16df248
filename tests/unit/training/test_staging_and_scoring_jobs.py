"""Staging and scoring as Azure ML command jobs: a 7B model goes from the hub to Blob on job compute, and the
scoring runs beside it; the specs validate offline and the backend PUTs them through the real MLClient."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from azure.ai.ml import MLClient, load_job

from evaluation_job.job_spec import build_scoring_job, code_snapshot, evaluation_environment
from mlops.payloads import RowRange, ScoringRequest, StagingPlan
from mlops.staging import COMPLETE_MARKER, staged_uri
from mlops.training.azureml import AzureMLTrainingBackend
from tests.fixtures.azureml_rest import WS, FakeAzureML, FakeCredential
from training_job.job_spec import COMPLETE_MARKER as JOB_MARKER
from training_job.job_spec import JobSpecError, build_staging_job, training_environment

MISTRAL_7B = "mistralai/Mistral-7B-v0.1"
ROOT = Path(__file__).resolve().parents[3]
PREDICTIONS = "blob://model-outputs/runs/run-7/predictions.jsonl"

APP_SETTINGS = {"DATABASE_URL": "postgresql://db/mlops", "AZURE_AI_API_KEY": "secret"}


def _dump(job: Any, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "job.yml"
    job._to_job().dump(path)
    assert load_job(path)._validate().passed  # type: ignore[attr-defined]
    return dict(yaml.safe_load(path.read_text()))


@pytest.fixture
def rest() -> FakeAzureML:
    return FakeAzureML()


@pytest.fixture
def backend(rest: FakeAzureML) -> AzureMLTrainingBackend:
    return AzureMLTrainingBackend(MLClient(FakeCredential(), "sub-1", "rg-1", "ws-1", transport=rest), APP_SETTINGS)


def test_a_7b_model_is_staged_by_a_job_that_writes_it_straight_to_the_datastore(tmp_path: Path) -> None:
    doc = _dump(build_staging_job("run-7", MISTRAL_7B, staged_uri(MISTRAL_7B), training_environment()), tmp_path)
    assert (
        f"python -u -m training_job.stage --model-id {MISTRAL_7B} --output-dir ${{{{outputs.model}}}}" in doc["command"]
    )
    digest_folder = staged_uri(MISTRAL_7B).rsplit("/", 1)[1]
    assert doc["outputs"]["model"]["path"] == f"azureml://datastores/model_outputs/paths/base/{digest_folder}/"
    assert "inputs" not in doc or not doc["inputs"]  # nothing of the model comes from the Function App
    assert (doc["compute"], doc["tags"]["mode"]) == ("azureml:cpu-jobs-cluster", "stage")


def test_the_staging_job_writes_the_marker_the_app_trusts_last() -> None:
    job = build_staging_job("run-7", MISTRAL_7B, staged_uri(MISTRAL_7B), training_environment())
    assert JOB_MARKER == COMPLETE_MARKER
    assert str(job.command).endswith(f"> ${{{{outputs.model}}}}/{COMPLETE_MARKER}")


def test_staging_submits_the_job_to_the_workspace(rest: FakeAzureML, backend: AzureMLTrainingBackend) -> None:
    plan = StagingPlan(name="mistral-7b-v0.1", uri=staged_uri(MISTRAL_7B))
    assert backend.stage("run-7", MISTRAL_7B, plan) == "mlops-stage-run-7"
    put = rest.requests[-1]
    assert (put.method, put.path) == ("PUT", f"{WS}/jobs/mlops-stage-run-7")
    props = put.body["properties"]  # type: ignore[index]
    assert props["computeId"] == f"{WS}/computes/cpu-jobs-cluster"
    assert props["tags"] == {"run_id": "run-7", "model_id": MISTRAL_7B, "mode": "stage"}


def test_the_scoring_job_scores_every_batch_into_the_folder_beside_the_predictions(tmp_path: Path) -> None:
    budget = {"DATABASE_POOL_SIZE": "3", "DATABASE_PGBOUNCER": "true", "JUDGE_REQUESTS_PER_MINUTE": "600"}
    settings = {"DATABASE_URL": "postgresql://db/mlops", "AZURE_AI_API_KEY": "secret", "EVAL_MAX_NAN_FRACTION": "0.2"}
    settings |= budget
    code = code_snapshot(tmp_path / "code")
    job = build_scoring_job(
        "run-7", PREDICTIONS, [(0, 50), (50, 80)], ["faithfulness"], "mlops-evaluation:1", settings, code
    )
    doc = _dump(job, tmp_path)
    assert sorted(p.name for p in Path(doc["code"]).iterdir()) == ["evaluation_job", "mlops", "training_job"]
    assert "--batch 0:50 --batch 50:80 --judge-metric faithfulness" in doc["command"]
    assert doc["outputs"]["scores"]["path"] == "azureml://datastores/model_outputs/paths/runs/run-7/evaluation-batches/"
    assert (
        doc["inputs"]["predictions"]["path"] == "azureml://datastores/model_outputs/paths/runs/run-7/predictions.jsonl"
    )
    assert doc["environment_variables"] == {
        "DATABASE_URL": "postgresql://db/mlops",
        "EVAL_MAX_NAN_FRACTION": "0.2",
        **budget,
    }  # the connection budget and the judge quota reach the job; the judge's key never does


def test_a_scoring_job_without_batches_is_refused(tmp_path: Path) -> None:
    with pytest.raises(JobSpecError, match="at least one row range"):
        build_scoring_job("run-7", PREDICTIONS, [], [], "mlops-evaluation:1", {}, tmp_path)


def test_the_evaluation_environment_pins_match_the_scoring_requirements() -> None:
    conda: dict[str, Any] = evaluation_environment().conda_file  # type: ignore[assignment]
    pins = {line.split("==")[0].lower(): line for line in conda["dependencies"][-1]["pip"]}
    required = (ROOT / "evaluation_job" / "requirements.txt").read_text().splitlines()
    for line in (entry.strip() for entry in required):
        if "==" in line:
            assert pins.get(line.split("==")[0].lower()) == line
    assert {"ragas", "sentence-transformers", "asyncpg"} <= set(pins)


def test_scoring_submits_the_job_to_the_workspace(rest: FakeAzureML, backend: AzureMLTrainingBackend) -> None:
    request = ScoringRequest(
        run_id="run-7", predictions_uri=PREDICTIONS, batches=[RowRange(start=0, stop=3)], judge_metrics=[]
    )
    assert backend.score(request) == "mlops-score-run-7"
    put = rest.requests[-1]
    assert (put.method, put.path) == ("PUT", f"{WS}/jobs/mlops-score-run-7")
    assert put.body["properties"]["environmentVariables"] == {"DATABASE_URL": "postgresql://db/mlops"}  # type: ignore[index]
    assert put.body["properties"]["environmentId"].startswith(f"{WS}/environments/mlops-evaluation/versions/")  # type: ignore[index]


def test_the_champions_answers_are_scored_with_the_same_batches_into_their_own_folder(tmp_path: Path) -> None:
    theirs = "blob://model-outputs/runs/run-7/champion/predictions.jsonl"
    job = build_scoring_job(
        "run-7", PREDICTIONS, [(0, 50)], [], "mlops-evaluation:1", {}, code_snapshot(tmp_path / "code"),
        champion_predictions_uri=theirs,
    )  # fmt: skip
    doc = _dump(job, tmp_path)
    champion = "azureml://datastores/model_outputs/paths/runs/run-7/champion/"
    assert doc["inputs"]["champion_predictions"]["path"] == f"{champion}predictions.jsonl"
    assert doc["outputs"]["champion_scores"]["path"] == f"{champion}evaluation-batches/"
    assert doc["command"].count("--batch 0:50") == 2 and "${{outputs.champion_scores}}" in doc["command"]
