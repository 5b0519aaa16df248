"""Experiments on a local SQLite store keep their artifacts next to the database, not in ./mlruns."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient

from mlops.evaluation import EvaluationResult, PredictionRow
from mlops.evaluation.report import build_report
from mlops.tracking import log_evaluation
from training_job.experiments import experiment_id


def _store_dir(uri: str) -> Path:
    return Path(uri.removeprefix("sqlite:///")).parent


def test_a_new_experiment_gets_the_store_artifact_location_and_is_reused(mlflow_tracking_uri: str) -> None:
    client = MlflowClient(mlflow_tracking_uri)
    created = experiment_id(client, "exp-a", mlflow_tracking_uri)
    assert experiment_id(client, "exp-a", mlflow_tracking_uri) == created
    experiment = client.get_experiment(created)
    assert experiment.artifact_location == (_store_dir(mlflow_tracking_uri) / "artifacts").as_uri()


def test_the_evaluation_report_lands_next_to_the_store(
    mlflow_tracking_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # MLflow's default root would be ./mlruns here
    result = EvaluationResult({"exact_match": 1.0}, 1.0, {"exact_match": 1.0}, [{"exact_match": 1.0}], 1)
    report = build_report(result, [PredictionRow("Which port?", "It listens on 5601.", "5601", "5601")])
    mlflow_id = log_evaluation(mlflow_tracking_uri, "exp-eval", "run-7", result, report)
    client = MlflowClient(mlflow_tracking_uri)
    assert {a.path for a in client.list_artifacts(mlflow_id)} == {"evaluation.json", "report"}
    run = client.get_run(mlflow_id)
    assert run.info.artifact_uri.startswith((_store_dir(mlflow_tracking_uri) / "artifacts").as_uri())
    assert (_store_dir(mlflow_tracking_uri) / "artifacts").is_dir()
    assert not (tmp_path / "mlruns").exists()
