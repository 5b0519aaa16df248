"""Building blocks the release pipeline's stages share: activity calls with retry, status records, outcomes.

Everything here yields durable tasks through the ``context`` API only (no I/O, clock or randomness).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import azure.durable_functions as df

from activities import PUBLISH_EVENT, RECORD_STATUS, SEND_CARD, TAG_MODEL
from mlops import events
from mlops.payloads import (
    CardRequest,
    Decision,
    ModelRef,
    Payload,
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
Result = TypeVar("Result", bound=Payload)


class StageFailed(Exception):
    """A stage ended without the result the pipeline needs; the message is the run's failure reason."""


@dataclass(frozen=True)
class Outcome:
    """How a run ends: its decision (the run's, the ``deployment_status`` tag's and the card's kind), the
    ``validation`` tag, and the lifecycle event published."""

    decision: Decision
    validation: str
    event: str


Verdict = Literal["approved", "rejected", "below_threshold", "expired"]
OUTCOMES: dict[Verdict, Outcome] = {
    "approved": Outcome("go_prod", "validated", events.GO_PROD),
    "rejected": Outcome("rejected", "rejected", events.REJECTED),
    "below_threshold": Outcome("rejected", "rejected", events.EVAL_REJECTED),
    "expired": Outcome("expired", "expired", events.EXPIRED),
}


def model_facts(model: ModelRef) -> dict[str, Any]:
    return {"model": f"{model.name} v{model.version}", "model_name": model.name, "model_version": model.version}


def finish(
    context: df.DurableOrchestrationContext,
    run: PipelineInput,
    model: ModelRef,
    verdict: Verdict,
    message: str,
    decided: dict[str, Any] | None = None,
    **fields: Any,
) -> Steps:
    """End the run with ``verdict``: tag the model, publish the event, send the card, record ``completed``."""
    outcome = OUTCOMES[verdict]
    decision = outcome.decision
    tags = {"deployment_status": decision, "validation": outcome.validation}
    yield call(context, TAG_MODEL, TagRequest(model=model, tags=tags))
    payload = {"decision": decision, "reason": message, **(decided or {})}
    yield call(
        context,
        PUBLISH_EVENT,
        PublishRequest(event=outcome.event, run_id=run.run_id, task_type=run.task_type, payload=payload),
    )
    facts: dict[str, Any] = {**model_facts(model), "reason": message, **(decided or {})}
    if "ml_score" in fields:
        facts.update(ml_score=fields["ml_score"], threshold=run.ml_score_threshold)
    yield call(context, SEND_CARD, CardRequest(run_id=run.run_id, kind=decision, facts=facts))
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
    """Mirror the transition in the custom status and write it (run row + audit event)."""
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
    yield call(context, RECORD_STATUS, update)


def call(context: df.DurableOrchestrationContext, activity: str, payload: Payload) -> Any:
    """The activity's task, retried with IO_RETRY; yield it for the result's raw JSON."""
    return context.call_activity_with_retry(activity, IO_RETRY, payload.to_json())


def call_as(
    context: df.DurableOrchestrationContext, activity: str, payload: Payload, result: type[Result]
) -> Generator[Any, Any, Result]:
    """Call the activity and return its result as ``result``; StageFailed on a PermanentFailure."""
    raw = yield call(context, activity, payload)
    return result.model_validate(checked(raw))


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
