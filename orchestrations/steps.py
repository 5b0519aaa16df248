"""Building blocks the release pipeline's stages share: activity calls with retry, status records, outcomes.

Everything here yields durable tasks through the ``context`` API only (no I/O, clock or randomness).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from mlops.payloads import (
    CardKind,
    CardRequest,
    Decision,
    ModelRef,
    PermanentFailure,
    PipelineInput,
    PublishRequest,
    RunStatus,
    StatusUpdate,
    TagRequest,
)

# Long enough to ride out a database or broker restart (~20 s); the SDK retries at a fixed interval.
IO_RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=4_000, max_number_of_attempts=6)

Steps = Generator[Any, Any, Any]


class StageFailed(Exception):
    """A stage ended without the result the pipeline needs; the message is the run's failure reason."""


def model_facts(model: ModelRef) -> dict[str, Any]:
    return {"model": f"{model.name} v{model.version}", "model_name": model.name, "model_version": model.version}


VALIDATION = {"go_prod": "validated", "rejected": "rejected", "expired": "expired"}


def finish(
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
    yield call(
        context,
        "tag_model",
        TagRequest(model=model, tags={"deployment_status": decision, "validation": VALIDATION[decision]}),
    )
    yield call(
        context,
        "publish_event",
        PublishRequest(
            event=event,
            run_id=run.run_id,
            task_type=run.task_type,
            payload={"decision": decision, "reason": message, **(decided or {})},
        ),
    )
    facts: dict[str, Any] = {**model_facts(model), "reason": message, **(decided or {})}
    if "ml_score" in fields:
        facts.update(ml_score=fields["ml_score"], threshold=run.ml_score_threshold)
    yield call(context, "send_card", CardRequest(run_id=run.run_id, kind=card, facts=facts))
    yield from record(context, run, "completed", message, decision=decision, **fields)
    return decision


def record(
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
            "version": context.version,
        }
    )
    yield call(context, "record_status", update)


def call(context: df.DurableOrchestrationContext, activity: str, payload: Any) -> Any:
    return context.call_activity_with_retry(activity, IO_RETRY, payload.to_json())


def checked(result: Any) -> Any:
    """An activity's result, or StageFailed when it is a PermanentFailure (an error no retry can fix)."""
    reason = PermanentFailure.reason_in(result)
    if reason is not None:
        raise StageFailed(reason)
    return result


def failure_reason(exc: BaseException) -> str:
    """The readable part of an activity/orchestrator failure (the SDK appends its own state data)."""
    text = str(exc).split("\n\n$OutOfProcData$", 1)[0].strip()
    return text or type(exc).__name__
