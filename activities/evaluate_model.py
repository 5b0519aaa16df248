"""Activity: the evaluation's fan-in: merge the batches' scores, store the metrics and report, apply the gate."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import EVALUATE_MODEL
from activities.permanent import permanent_failures_returned
from mlops import telemetry
from mlops.bootstrap import services
from mlops.champion import comparison_for, eval_set, record_champion_scores
from mlops.evaluation import EvaluationFailed, read_predictions
from mlops.evaluation.report import build_report, report_json, report_markdown
from mlops.evaluation.run import decision_rows, summarise_for_run
from mlops.evaluation.scoring import ScoredRows, merge_scored
from mlops.insight_views import scored_samples
from mlops.payloads import EvaluationOutcome, EvaluationRequest
from mlops.tracking import log_evaluation

bp = df.Blueprint()


@bp.function_name(EVALUATE_MODEL)
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
    samples = scored_samples(rows, result.per_sample, result.weights)
    await svc.store.save_samples(request.run_id, samples)
    report = build_report(result, rows)
    comparison: dict[str, Any] = {}
    if not result.failure:
        run = await svc.store.get_run(request.run_id)
        if run is None:
            raise EvaluationFailed(f"run {request.run_id} is not in the run store")
        evals = await eval_set(svc, run)
        scored = await record_champion_scores(
            svc, request.run_id, request.predictions_uri, [b.rows for b in request.batches], result.weights
        )
        if scored:
            await svc.store.append_event(request.run_id, "event", scored, {}, dedupe_key="champion:scored")
        comparison = await comparison_for(svc, run, samples, result.weights, evals)
        await svc.store.save_comparison(request.run_id, evals.sha256, comparison)
        await svc.store.append_event(
            request.run_id, "event", f"against the champion: {comparison['summary']}", {}, dedupe_key="comparison"
        )
        report["comparison"] = comparison
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
    reached = result.ml_score >= request.ml_score_threshold
    gate = comparison.get("gate") or {}
    return EvaluationOutcome(
        ml_score=result.ml_score,
        passed=reached and gate.get("passed", True),
        reason=None if not reached or gate.get("passed", True) else _rule_reason(result.ml_score, request, gate),
        metrics=dict(result.metrics),
        weights=dict(result.weights),
        notes=list(result.notes),
    ).to_json()


def _rule_reason(score: float, request: EvaluationRequest, gate: dict[str, Any]) -> str:
    """Why a run above its threshold is still rejected: the champion rule, with its numbers."""
    return f"MLScore {score:.3f} >= threshold {request.ml_score_threshold}, but {gate['reason']}"


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
