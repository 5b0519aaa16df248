"""An evaluation logged twice for one release run (a retried activity) lands in one MLflow run."""

from __future__ import annotations

from mlflow import MlflowClient

from mlops.evaluation import EvaluationResult
from mlops.tracking import log_evaluation


def test_a_retried_evaluation_reuses_its_mlflow_run(mlflow_tracking_uri: str) -> None:
    result = EvaluationResult({"exact_match": 1.0}, 1.0, {"exact_match": 1.0}, [{"exact_match": 1.0}], 1)
    first = log_evaluation(mlflow_tracking_uri, "exp-retry", "run-8", result)
    again = log_evaluation(mlflow_tracking_uri, "exp-retry", "run-8", result)
    other = log_evaluation(mlflow_tracking_uri, "exp-retry", "run-9", result)
    client = MlflowClient(mlflow_tracking_uri)
    experiment = client.get_experiment_by_name("exp-retry")
    assert experiment is not None
    assert first == again != other
    assert len(client.search_runs([experiment.experiment_id], "tags.run_id = 'run-8'")) == 1
