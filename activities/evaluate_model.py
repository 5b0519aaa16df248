"""Activity: score the job's predictions with RAGAS, store the metrics, and apply the gate."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from mlops.bootstrap import services
from mlops.evaluation import evaluate_predictions, read_predictions
from mlops.payloads import EvaluationOutcome, EvaluationRequest
from mlops.tracking import log_evaluation

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def evaluate_model(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the MLScore and whether it reaches the run's threshold; metrics land in PostgreSQL and MLflow."""
    request = EvaluationRequest.model_validate(payload)
    svc = await services()
    text = await asyncio.to_thread(svc.blob.read_text, request.predictions_uri)
    result = await asyncio.to_thread(evaluate_predictions, read_predictions(text), request.metric_weights or None)
    await svc.store.save_results(request.run_id, result.metrics, result.weights)
    await asyncio.to_thread(
        log_evaluation, svc.settings.mlflow_tracking_uri, request.experiment_name, request.run_id, result
    )
    return EvaluationOutcome(
        ml_score=result.ml_score,
        passed=result.ml_score >= request.ml_score_threshold,
        metrics=dict(result.metrics),
        weights=dict(result.weights),
        notes=list(result.notes),
    ).to_json()
