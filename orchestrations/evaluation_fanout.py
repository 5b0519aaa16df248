"""The evaluate stage as fan-out/fan-in: plan the batches, score them in parallel, merge and gate.

Each batch is its own activity, retried on its own, so no single invocation makes every judge call of
a large evaluation; only batch URIs and counts pass through the history. A small set is one batch.
"""

from __future__ import annotations

import azure.durable_functions as df

from mlops.payloads import (
    BatchRequest,
    BatchScores,
    EvaluationOutcome,
    EvaluationPlan,
    EvaluationRequest,
    PipelineInput,
    PlanRequest,
)
from orchestrations.steps import Steps, call, checked


def evaluate(context: df.DurableOrchestrationContext, run: PipelineInput, predictions_uri: str) -> Steps:
    """Score the predictions in batches and return the fan-in's outcome (MLScore, passed)."""
    plan = EvaluationPlan.model_validate(
        checked(
            (
                yield call(
                    context,
                    "plan_evaluation",
                    PlanRequest(run_id=run.run_id, predictions_uri=predictions_uri, metric_weights=run.metric_weights),
                )
            )
        )
    )
    scored = yield context.task_all(
        [
            call(
                context,
                "score_evaluation_batch",
                BatchRequest(
                    run_id=run.run_id, predictions_uri=predictions_uri, rows=rows, judge_metrics=plan.judge_metrics
                ),
            )
            for rows in plan.batches
        ]
    )
    request = EvaluationRequest(
        run_id=run.run_id,
        predictions_uri=predictions_uri,
        experiment_name=run.experiment_name,
        metric_weights=run.metric_weights,
        ml_score_threshold=run.ml_score_threshold,
        batches=[BatchScores.model_validate(checked(batch)) for batch in scored],  # task_all keeps the batches' order
    )
    return EvaluationOutcome.model_validate(checked((yield call(context, "evaluate_model", request))))
