"""MLflow tracking of evaluations: one MLflow run per evaluation, named after the release run."""

from __future__ import annotations

import mlflow

from mlops.evaluation import EvaluationResult


def log_evaluation(tracking_uri: str, experiment_name: str, run_id: str, result: EvaluationResult) -> str:
    """Log the metrics, weights and MLScore; returns the MLflow run id."""
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    experiment = client.get_experiment_by_name(experiment_name)
    experiment_id = experiment.experiment_id if experiment else client.create_experiment(experiment_name)
    run = client.create_run(
        experiment_id, run_name=f"{run_id}-evaluation", tags={"run_id": run_id, "stage": "evaluation"}
    )
    mlflow_id: str = run.info.run_id
    for name, value in result.metrics.items():
        if value is not None:
            client.log_metric(mlflow_id, name, value)
    client.log_metric(mlflow_id, "ml_score", result.ml_score)
    for name, weight in result.weights.items():
        client.log_param(mlflow_id, f"weight_{name}", weight)
    client.log_text(mlflow_id, result.to_json(), "evaluation.json")
    client.set_terminated(mlflow_id)
    return mlflow_id
