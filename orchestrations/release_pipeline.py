"""The release pipeline: one deterministic orchestration per run (instance id = run id).

Only the ``context`` API is used here — no I/O, clock or randomness — so every replay takes the
same path. Each stage is an activity; every transition is written by ``record_status`` and
mirrored in the custom status. Any stage failure ends the run ``failed`` with its reason.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timedelta
from typing import Any

import azure.durable_functions as df

from mlops import events
from mlops.payloads import (
    ApprovalDecision,
    CardKind,
    CardRequest,
    Decision,
    DecisionQuery,
    EvaluationOutcome,
    EvaluationRequest,
    JobMode,
    LoadModelRequest,
    ModelRef,
    PipelineInput,
    PublishRequest,
    RegisterModelRequest,
    RunStatus,
    StatusUpdate,
    TagRequest,
    TrainingOutcome,
    TrainingRequest,
    TrainingSubmitted,
    event_payload,
)
from mlops.training.azureml_events import job_outcome
from mlops.training.backends import JobStatus

bp = df.Blueprint()

TRAINING_COMPLETED = "TrainingCompleted"
APPROVAL_DECISION = "ApprovalDecision"
MAX_STATUS_POLLS = 24
IO_RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=2_000, max_number_of_attempts=3)

Steps = Generator[Any, Any, Any]


class StageFailed(Exception):
    """A stage ended without the result the pipeline needs; the message is the run's failure reason."""


@bp.orchestration_trigger(context_name="context")
def release_pipeline(context: df.DurableOrchestrationContext) -> Steps:
    """Run one release: load, train, evaluate, gate, await approval, tag; returns the final state."""
    run = PipelineInput.model_validate(context.get_input())
    try:
        decision = yield from _run_stages(context, run)
    except Exception as exc:
        reason = failure_reason(exc)
        yield from _fail(context, run, reason)
        return {"status": "failed", "reason": reason}
    return {"status": "completed", "decision": decision}


def _run_stages(context: df.DurableOrchestrationContext, run: PipelineInput) -> Steps:
    yield from _status(context, run, "loading", f"loading base model {run.model_id}")
    base: ModelRef = ModelRef.model_validate(
        (yield _call(context, "load_base_model", LoadModelRequest(run_id=run.run_id, model_id=run.model_id)))
    )
    model = base
    if run.task_type == "finetune":
        yield from _status(
            context,
            run,
            "training",
            "LoRA fine-tuning submitted",
            base_model_uri=base.uri,
            registered_model=base.to_json(),
        )
        outcome = yield from _run_job(context, run, "finetune", base.uri)
        model = ModelRef.model_validate(
            (
                yield _call(
                    context,
                    "register_model",
                    RegisterModelRequest(
                        run_id=run.run_id,
                        name=f"{base.name}-ft",
                        source_uri=outcome.model_uri or "",
                        tags={
                            "lifecycle": "finetuned",
                            "validation": "pending",
                            "run_id": run.run_id,
                            "base_model": f"{base.name}/{base.version}",
                        },
                    ),
                )
            )
        )
        yield from _status(
            context,
            run,
            "evaluating",
            "evaluating the fine-tuned model",
            finetuned_model_uri=model.uri,
            registered_model=model.to_json(),
        )
    else:
        yield from _status(
            context,
            run,
            "evaluating",
            "generating answers with the base model",
            base_model_uri=base.uri,
            registered_model=base.to_json(),
        )
        outcome = yield from _run_job(context, run, "generate", base.uri)
    evaluation = EvaluationOutcome.model_validate(
        (
            yield _call(
                context,
                "evaluate_model",
                EvaluationRequest(
                    run_id=run.run_id,
                    predictions_uri=outcome.predictions_uri or "",
                    experiment_name=run.experiment_name,
                    metric_weights=run.metric_weights,
                    ml_score_threshold=run.ml_score_threshold,
                ),
            )
        )
    )
    if not evaluation.passed:
        return (
            yield from _finish(
                context,
                run,
                model,
                "rejected",
                events.EVAL_REJECTED,
                "rejected",
                f"MLScore {evaluation.ml_score:.3f} < threshold {run.ml_score_threshold}",
                ml_score=evaluation.ml_score,
            )
        )
    return (yield from _await_approval(context, run, model, evaluation))


def _run_job(context: df.DurableOrchestrationContext, run: PipelineInput, mode: JobMode, base_uri: str) -> Steps:
    """Submit the job, then wait for its completion event, polling its status as a fallback until the timeout."""
    request = TrainingRequest(
        run_id=run.run_id,
        mode=mode,
        base_model_uri=base_uri,
        train_uri=run.train_uri,
        eval_uri=run.eval_uri,
        experiment_name=run.experiment_name,
        max_steps=run.training_max_steps,
        model_id=run.model_id,
    )
    submitted = TrainingSubmitted.model_validate((yield _call(context, "submit_training", request)))
    outcome = yield from _await_training(context, run, mode, submitted)
    if not outcome.succeeded:
        raise StageFailed(f"training job failed: {outcome.reason or 'no reason given'}")
    if not outcome.predictions_uri or (mode == "finetune" and not outcome.model_uri):
        raise StageFailed("training job reported success without its outputs")
    return outcome


def _await_training(
    context: df.DurableOrchestrationContext, run: PipelineInput, mode: JobMode, job: TrainingSubmitted
) -> Steps:
    # Bounded: at most MAX_STATUS_POLLS timer+activity pairs per job, so the history stays small.
    deadline = context.current_utc_datetime + timedelta(minutes=run.training_timeout_minutes)
    interval = poll_interval(run.training_timeout_minutes, run.training_poll_minutes)
    completed = context.wait_for_external_event(TRAINING_COMPLETED)
    while True:
        tick = context.create_timer(min(context.current_utc_datetime + interval, deadline))
        winner = yield context.task_any([completed, tick])
        if winner == completed:
            tick.cancel()
            return TrainingOutcome.model_validate(event_payload(completed.result))
        if context.current_utc_datetime >= deadline:
            raise StageFailed(f"training job did not complete within {run.training_timeout_minutes} minutes")
        status = JobStatus.model_validate((yield _call(context, "training_status", job)))
        if status.state in ("completed", "failed"):  # the completion event was lost
            return job_outcome(run.run_id, mode, (status.reason or "job failed") if status.state == "failed" else None)


def poll_interval(timeout_minutes: int, poll_minutes: int) -> timedelta:
    """The status poll period: ``poll_minutes``, stretched so a timeout holds at most MAX_STATUS_POLLS polls."""
    return timedelta(minutes=max(poll_minutes, -(-timeout_minutes // MAX_STATUS_POLLS)))


def _await_approval(
    context: df.DurableOrchestrationContext,
    run: PipelineInput,
    model: ModelRef,
    evaluation: EvaluationOutcome,
) -> Steps:
    score = f"MLScore {evaluation.ml_score:.3f} >= threshold {run.ml_score_threshold}"
    yield _call(
        context,
        "publish_event",
        PublishRequest(
            event=events.EVAL_PASSED,
            run_id=run.run_id,
            task_type=run.task_type,
            payload={"ml_score": evaluation.ml_score, "model": model.to_json()},
        ),
    )
    deadline = context.current_utc_datetime + timedelta(hours=run.approval_timeout_hours)
    facts = {
        **_model_facts(model),
        "base_model": run.model_id,
        "dataset": run.dataset,
        "ml_score": evaluation.ml_score,
        "threshold": run.ml_score_threshold,
        "metrics": evaluation.metrics,
        "weights": evaluation.weights,
        "deadline": deadline.isoformat(),
    }
    yield _call(context, "send_card", CardRequest(run_id=run.run_id, kind="approval_requested", facts=facts))
    yield from _status(
        context,
        run,
        "awaiting_approval",
        f"{score}; awaiting approval until {deadline.isoformat()}",
        ml_score=evaluation.ml_score,
    )
    approval = yield from _decision(context, run, facts, deadline)
    if approval is None:
        message = f"no decision within {run.approval_timeout_hours:g} hours"
        return (yield from _finish(context, run, model, "expired", events.EXPIRED, "expired", message))
    note = f"{approval.decision}d by {approval.approver}" + (f": {approval.comment}" if approval.comment else "")
    decided = {
        "decided_by": approval.approver,
        "decided_at": approval.decided_at,
        "via": approval.via,
        "comment": approval.comment,
    }
    if approval.decision == "approve":
        return (yield from _finish(context, run, model, "go_prod", events.GO_PROD, "go_prod", note, decided))
    return (yield from _finish(context, run, model, "rejected", events.REJECTED, "rejected", note, decided))


def _decision(
    context: df.DurableOrchestrationContext, run: PipelineInput, facts: dict[str, Any], deadline: datetime
) -> Steps:
    """The decision recorded in PostgreSQL, or None at the deadline; one reminder card on the way.

    Each wait races ``ApprovalDecision`` against a timer that is cancelled when the event wins (so no
    timer outlives the decision). An event is only a signal: the decision is read back from the store,
    where the API records it once per run before raising; an early, forged or malformed event finds no
    record and the wait goes on.
    """
    hours = run.approval_reminder_hours
    reminder = None
    if hours is not None and hours < run.approval_timeout_hours:
        reminder = deadline - timedelta(hours=run.approval_timeout_hours - hours)
    while True:
        decided = context.wait_for_external_event(APPROVAL_DECISION)
        timer = context.create_timer(reminder or deadline)
        winner = yield context.task_any([decided, timer])
        if winner != decided:
            if reminder is None:
                return None
            reminder = None
            yield _call(context, "send_card", CardRequest(run_id=run.run_id, kind="approval_reminder", facts=facts))
            continue
        timer.cancel()
        if _signal(decided.result) is None:
            continue
        recorded = yield _call(context, "read_decision", DecisionQuery(run_id=run.run_id))
        if recorded is not None:
            return ApprovalDecision.model_validate(recorded)


def _signal(raw: Any) -> ApprovalDecision | None:
    """The event payload (normalised: it may arrive JSON-encoded twice), or None when it is not one."""
    try:
        return ApprovalDecision.model_validate(event_payload(raw))
    except ValueError:
        return None


def _model_facts(model: ModelRef) -> dict[str, Any]:
    return {"model": f"{model.name} v{model.version}", "model_name": model.name, "model_version": model.version}


_VALIDATION = {"go_prod": "validated", "rejected": "rejected", "expired": "expired"}


def _finish(
    context: df.DurableOrchestrationContext,
    run: PipelineInput,
    model: ModelRef,
    decision: Decision,
    event: str,
    card: CardKind,
    message: str,
    decided: dict[str, Any] | None = None,
    **fields: Any,
) -> Steps:
    yield _call(
        context,
        "tag_model",
        TagRequest(model=model, tags={"deployment_status": decision, "validation": _VALIDATION[decision]}),
    )
    yield _call(
        context,
        "publish_event",
        PublishRequest(
            event=event,
            run_id=run.run_id,
            task_type=run.task_type,
            payload={"decision": decision, "reason": message, **(decided or {})},
        ),
    )
    facts: dict[str, Any] = {**_model_facts(model), "reason": message, **(decided or {})}
    if "ml_score" in fields:
        facts.update(ml_score=fields["ml_score"], threshold=run.ml_score_threshold)
    yield _call(context, "send_card", CardRequest(run_id=run.run_id, kind=card, facts=facts))
    yield from _status(context, run, "completed", message, decision=decision, **fields)
    return decision


def _fail(context: df.DurableOrchestrationContext, run: PipelineInput, reason: str) -> Steps:
    """Record the failure; each step is attempted even if an earlier one fails, so the run never hangs."""
    context.set_custom_status({"status": "failed", "message": reason})
    steps = [
        (
            "record_status",
            StatusUpdate(run_id=run.run_id, status="failed", message=reason, fields={"failure_reason": reason}),
        ),
        (
            "publish_event",
            PublishRequest(event=events.FAILED, run_id=run.run_id, task_type=run.task_type, payload={"reason": reason}),
        ),
        ("send_card", CardRequest(run_id=run.run_id, kind="failed", facts={"reason": reason})),
    ]
    for name, payload in steps:
        try:
            yield _call(context, name, payload)
        except Exception:
            continue


def _status(
    context: df.DurableOrchestrationContext,
    run: PipelineInput,
    status: RunStatus,
    message: str,
    decision: Decision | None = None,
    **fields: Any,
) -> Steps:
    update = StatusUpdate(
        run_id=run.run_id,
        status=status,
        message=message,
        decision=decision,
        fields=fields,
    )
    context.set_custom_status(
        {
            "status": status,
            "message": message,
            "decision": decision,
            "since": context.current_utc_datetime.isoformat(),
        }
    )
    yield _call(context, "record_status", update)


def _call(context: df.DurableOrchestrationContext, activity: str, payload: Any) -> Any:
    return context.call_activity_with_retry(activity, IO_RETRY, payload.to_json())


def failure_reason(exc: BaseException) -> str:
    """The readable part of an activity/orchestrator failure (the SDK appends its own state data)."""
    text = str(exc).split("\n\n$OutOfProcData$", 1)[0].strip()
    return text or type(exc).__name__
