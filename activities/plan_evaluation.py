"""Activity: read and check the job's predictions, and split them into the batches the evaluation fans out."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import PLAN_EVALUATION
from activities.permanent import permanent_failures_returned
from mlops import telemetry
from mlops.bootstrap import services
from mlops.evaluation import read_predictions
from mlops.evaluation.batches import batch_ranges
from mlops.evaluation.evaluate import choose_weights
from mlops.evaluation.run import judge_model
from mlops.evaluation.scoring import judge_metric_names
from mlops.payloads import EvaluationPlan, PlanRequest, RowRange

bp = df.Blueprint()


@bp.function_name(PLAN_EVALUATION)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
@permanent_failures_returned
async def plan_evaluation(payload: dict[str, Any]) -> dict[str, Any]:
    """Return EVAL_BATCH_SIZE row ranges and the judge metrics of the whole set; raise InvalidPredictions,
    or EvaluationFailed for weights the configured judge cannot score, before any scoring is paid for."""
    request = PlanRequest.model_validate(payload)
    svc = await services()
    rows = read_predictions(await asyncio.to_thread(svc.blob.read_text, request.predictions_uri))
    choose_weights(request.metric_weights or None, judge_model(svc.settings))
    return EvaluationPlan(
        batches=[RowRange(start=a, stop=b) for a, b in batch_ranges(len(rows), svc.settings.eval_batch_size)],
        judge_metrics=judge_metric_names(rows),
    ).to_json()
