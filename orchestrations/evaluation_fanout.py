"""The evaluate stage: plan the batches, score them in the scoring job, then merge and gate (the fan-in).

The scoring (embeddings, metrics, the judge's calls) runs as a job, awaited through its completion event as
training is: the Function App never loads the ML stack. Each batch's scores are a blob of their own, so a
resubmitted job resumes and only batch URIs pass through the history. A small set is one batch.
"""

from __future__ import annotations

import azure.durable_functions as df

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
from orchestrations.steps import Steps, call, checked
from orchestrations.training_wait import await_job


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
    scoring = ScoringRequest(
        run_id=run.run_id, predictions_uri=predictions_uri, batches=plan.batches, judge_metrics=plan.judge_metrics
    )
    job = TrainingSubmitted.model_validate((yield call(context, "submit_scoring", scoring)))
    yield from await_job(context, run, "score", job)
    request = EvaluationRequest(
        run_id=run.run_id,
        predictions_uri=predictions_uri,
        experiment_name=run.experiment_name,
        metric_weights=run.metric_weights,
        ml_score_threshold=run.ml_score_threshold,
        batches=[BatchScores(uri=batch_uri(predictions_uri, r.start, r.stop), rows=r) for r in plan.batches],
    )
    return EvaluationOutcome.model_validate(checked((yield call(context, "evaluate_model", request))))
