"""The approval stage: the card, then the decision raced against the 72 h deadline (with one reminder)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import azure.durable_functions as df

from activities import PUBLISH_EVENT, READ_DECISION, SEND_CARD
from mlops import events
from mlops.payloads import (
    ApprovalDecision,
    CardRequest,
    DecisionQuery,
    EvaluationOutcome,
    ModelRef,
    PipelineInput,
    PublishRequest,
    event_payload,
)
from orchestrations.steps import Steps, Verdict, call, finish, model_facts, record

APPROVAL_DECISION = "ApprovalDecision"


def await_approval(
    context: df.DurableOrchestrationContext,
    run: PipelineInput,
    model: ModelRef,
    evaluation: EvaluationOutcome,
) -> Steps:
    score = f"MLScore {evaluation.ml_score:.3f} >= threshold {run.ml_score_threshold}"
    yield call(
        context,
        PUBLISH_EVENT,
        PublishRequest(
            event=events.EVAL_PASSED,
            run_id=run.run_id,
            task_type=run.task_type,
            payload={"ml_score": evaluation.ml_score, "model": model.to_json()},
        ),
    )
    deadline = context.current_utc_datetime + timedelta(hours=run.approval_timeout_hours)
    facts = {
        **model_facts(model),
        "base_model": run.model_id,
        "dataset": run.dataset,
        "ml_score": evaluation.ml_score,
        "threshold": run.ml_score_threshold,
        "metrics": evaluation.metrics,
        "weights": evaluation.weights,
        "deadline": deadline.isoformat(),
    }
    yield call(context, SEND_CARD, CardRequest(run_id=run.run_id, kind="approval_requested", facts=facts))
    yield from record(
        context,
        run,
        "awaiting_approval",
        f"{score}; awaiting approval until {deadline.isoformat()}",
        ml_score=evaluation.ml_score,
        approval_deadline=deadline.isoformat(),
    )
    approval = yield from _decision(context, run, facts, deadline)
    if approval is None:
        message = f"no decision within {run.approval_timeout_hours:g} hours"
        return (yield from finish(context, run, model, "expired", message))
    note = f"{approval.decision}d by {approval.approver}" + (f": {approval.comment}" if approval.comment else "")
    decided = {
        "decided_by": approval.approver,
        "decided_at": approval.decided_at,
        "via": approval.via,
        "comment": approval.comment,
    }
    verdict: Verdict = "approved" if approval.decision == "approve" else "rejected"
    return (yield from finish(context, run, model, verdict, note, decided))


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
            yield call(context, SEND_CARD, CardRequest(run_id=run.run_id, kind="approval_reminder", facts=facts))
            continue
        timer.cancel()
        if _signal(decided.result) is None:
            continue
        recorded = yield call(context, READ_DECISION, DecisionQuery(run_id=run.run_id))
        if recorded is not None:
            return ApprovalDecision.model_validate(recorded)


def _signal(raw: Any) -> ApprovalDecision | None:
    """The event payload (normalised: it may arrive JSON-encoded twice), or None when it is not one."""
    try:
        return ApprovalDecision.model_validate(event_payload(raw))
    except ValueError:
        return None
