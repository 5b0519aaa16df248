"""Activity: the evaluation's fan-in: merge the batches' scores, store the metrics and report, apply the gate."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.permanent import permanent_failures_returned
from mlops import telemetry
from mlops.bootstrap import services
from mlops.evaluation import EvaluationFailed, read_predictions
from mlops.evaluation.report import build_report, report_json, report_markdown
from mlops.evaluation.run import decision_rows, summarise_for_run
from mlops.evaluation.scoring import ScoredRows, merge_scored
from mlops.insights import scored_samples
from mlops.payloads import EvaluationOutcome, EvaluationRequest
from mlops.tracking import log_evaluation

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
@permanent_failures_returned
async def evaluate_model(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the MLScore and whether it reaches the run's threshold; metrics, per-sample scores, the NaN-policy
    decision and the report land in PostgreSQL, MLflow and Blob; raise EvaluationFailed when the policy fails."""
    request = EvaluationRequest.model_validate(payload)
    svc = await services()
    text = await asyncio.to_thread(svc.blob.read_text, request.predictions_uri)
    rows = read_predictions(text)
    parts = [ScoredRows.from_json(await asyncio.to_thread(svc.blob.read_text, b.uri)) for b in request.batches]
    result = summarise_for_run(rows, merge_scored(parts), request.metric_weights, svc.settings)
    await svc.store.save_results(request.run_id, {**result.metrics, **decision_rows(result)}, result.weights)
    await svc.store.save_samples(request.run_id, scored_samples(rows, result.per_sample, result.weights))
    report = build_report(result, rows)
    base = request.predictions_uri.rsplit("/", 1)[0]
    uris = [f"{base}/evaluation-report.json", f"{base}/evaluation-report.md"]
    for uri, body in zip(uris, (report_json(report), report_markdown(report)), strict=True):
        await asyncio.to_thread(svc.blob.upload_bytes, uri, body.encode("utf-8"))
    await asyncio.to_thread(
        log_evaluation, svc.settings.mlflow_tracking_uri, request.experiment_name, request.run_id, result, report
    )
    message = f"evaluation {result.decision['nan_policy']}: " + (result.failure or f"MLScore {result.ml_score:.3f}")
    details = {**result.decision, "report": uris}
    await svc.store.append_event(request.run_id, "event", message, details, dedupe_key="evaluation")
    _record_metrics(request.run_id, result.ml_score if not result.failure else None, result.judge_usage)
    if result.failure:  # after storing why: the run fails with the reason, never with a made-up score
        raise EvaluationFailed(result.failure)
    return EvaluationOutcome(
        ml_score=result.ml_score,
        passed=result.ml_score >= request.ml_score_threshold,
        metrics=dict(result.metrics),
        weights=dict(result.weights),
        notes=list(result.notes),
    ).to_json()


def _record_metrics(run_id: str, ml_score: float | None, judge_usage: dict[str, float]) -> None:
    """MLScore (not for a failed evaluation: it has no score) and the judge's HTTP calls and wait for the
    shared rate limit, when a judge ran."""
    if ml_score is not None:
        telemetry.record_mlscore(run_id, ml_score)
    calls = int(judge_usage.get("chat_calls", 0) + judge_usage.get("embedding_calls", 0))
    if calls:
        telemetry.count_judge_calls(run_id, calls)
    if judge_usage.get("limit_requests_per_minute"):
        telemetry.record_judge_rate_wait(
            run_id, judge_usage.get("rate_limit_wait_s", 0.0), judge_usage["limit_requests_per_minute"]
        )
