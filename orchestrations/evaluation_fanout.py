"""The evaluate stage: plan the batches, score them in the scoring job, then merge and gate (the fan-in).

The scoring (embeddings, metrics, the judge's calls) runs as a job, awaited through its completion event as
training is: the Function App never loads the ML stack. Each batch's scores are a blob of their own, so a
resubmitted job resumes and only batch URIs pass through the history. A small set is one batch.
"""

from __future__ import annotations

import azure.durable_functions as df

from activities import EVALUATE_MODEL, PLAN_EVALUATION, SUBMIT_SCORING
from mlops.evaluation.batches import batch_uri
from mlops.payloads import (
    BatchScores,
    EvaluationOutcome,
    EvaluationPlan,
    EvaluationRequest,
    PipelineInput,
    PlanRequest,
    ScoringRequest,
    TrainingSubmitted,
)
from orchestrations.steps import Steps, call_as
from orchestrations.training_wait import await_job


def evaluate(context: df.DurableOrchestrationContext, run: PipelineInput, predictions_uri: str) -> Steps:
    """Score the predictions in batches and return the fan-in's outcome (MLScore, passed)."""
    planning = PlanRequest(run_id=run.run_id, predictions_uri=predictions_uri, metric_weights=run.metric_weights)
    plan = yield from call_as(context, PLAN_EVALUATION, planning, EvaluationPlan)
    scoring = ScoringRequest(
        run_id=run.run_id, predictions_uri=predictions_uri, batches=plan.batches, judge_metrics=plan.judge_metrics
    )
    job = yield from call_as(context, SUBMIT_SCORING, scoring, TrainingSubmitted)
    yield from await_job(context, run, "score", job)
    request = EvaluationRequest(
        run_id=run.run_id,
        predictions_uri=predictions_uri,
        experiment_name=run.experiment_name,
        metric_weights=run.metric_weights,
        ml_score_threshold=run.ml_score_threshold,
        batches=[BatchScores(uri=batch_uri(predictions_uri, r.start, r.stop), rows=r) for r in plan.batches],
    )
    return (yield from call_as(context, EVALUATE_MODEL, request, EvaluationOutcome))
