"""MLflow tracking: one MLflow run per evaluation, named after the release run; and reading back every
MLflow run of a release run (the training job's loss curve, the evaluation's metrics).

Experiments are created through the training job's rule (``training_job.experiments``), so on a local
SQLite store the report artifacts land next to the database, beside the job's model artifacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlops.evaluation import EvaluationResult
from mlops.evaluation.report import report_json, report_markdown

if TYPE_CHECKING:
    from mlflow import MlflowClient

# mlflow is imported in the calls, never at import: the Function App's cold start must not pay for it.


def log_evaluation(
    tracking_uri: str,
    experiment_name: str,
    run_id: str,
    result: EvaluationResult,
    report: dict[str, Any] | None = None,
) -> str:
    """Log the metrics, weights, MLScore, the NaN-policy decision, the judge's usage and the report
    (JSON + Markdown artifacts) into the release run's one evaluation run (a retry reuses it); returns its id."""
    from mlflow import MlflowClient

    from training_job.experiments import experiment_id

    client = MlflowClient(tracking_uri=tracking_uri)
    mlflow_id = _evaluation_run(client, experiment_id(client, experiment_name, tracking_uri), run_id)
    for name, value in result.metrics.items():
        if value is not None:
            client.log_metric(mlflow_id, name, value)
    client.log_metric(mlflow_id, "ml_score", result.ml_score)
    for name, weight in result.weights.items():
        client.log_param(mlflow_id, f"weight_{name}", weight)
    client.log_text(mlflow_id, result.to_json(), "evaluation.json")
    _log_decision(client, mlflow_id, result)
    if report is not None:
        client.log_text(mlflow_id, report_json(report), "report/evaluation-report.json")
        client.log_text(mlflow_id, report_markdown(report), "report/evaluation-report.md")
    client.set_terminated(mlflow_id)
    return mlflow_id


def _evaluation_run(client: MlflowClient, experiment: str, run_id: str) -> str:
    """The MLflow run of this release run's evaluation: found by its tags, created only when absent."""
    found = client.search_runs(
        [experiment], filter_string=f"tags.run_id = '{run_id}' and tags.stage = 'evaluation'", max_results=1
    )
    if found:
        return str(found[0].info.run_id)
    run = client.create_run(experiment, run_name=f"{run_id}-evaluation", tags={"run_id": run_id, "stage": "evaluation"})
    return str(run.info.run_id)


def _log_decision(client: MlflowClient, mlflow_id: str, result: EvaluationResult) -> None:
    """The NaN-policy verdict and its numbers, and the judge's calls, tokens and cost."""
    client.set_tag(mlflow_id, "nan_policy", "failed" if result.failure else "passed")
    if result.failure:
        client.set_tag(mlflow_id, "failure_reason", result.failure[:5000])
    client.log_param(mlflow_id, "max_nan_fraction", result.decision.get("max_nan_fraction"))
    client.log_param(mlflow_id, "judge", result.judge or "none")
    for name, share in dict(result.decision.get("nan_fractions") or {}).items():
        client.log_metric(mlflow_id, f"nan_fraction_{name}", float(share))
    for name, value in result.judge_usage.items():
        client.log_metric(mlflow_id, f"judge_{name}", value)


def run_metrics(tracking_uri: str, experiment_name: str, run_id: str) -> list[dict[str, Any]]:
    """Every MLflow run tagged with the release run's id in its experiment (training job, evaluation),
    oldest first, each with its metrics' full histories (step, value, timestamp)."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is None:
        return []
    found = client.search_runs(
        [experiment.experiment_id], filter_string=f"tags.run_id = '{run_id}'", order_by=["attributes.start_time ASC"]
    )
    return [_run_view(client, run) for run in found]


def _run_view(client: MlflowClient, run: Any) -> dict[str, Any]:
    tags = dict(run.data.tags)
    stage = tags.get("stage") or ("training" if tags.get("mlops.component") == "training_job" else "other")
    histories = {
        name: [
            {"step": point.step, "value": point.value, "timestamp": point.timestamp}
            for point in client.get_metric_history(run.info.run_id, name)
        ]
        for name in sorted(run.data.metrics)
    }
    return {
        "mlflow_run_id": run.info.run_id,
        "experiment_id": run.info.experiment_id,
        "run_name": run.info.run_name,
        "stage": stage,
        "status": run.info.status,
        "start_time": run.info.start_time,
        "end_time": run.info.end_time,
        "metrics": histories,
    }
