"""Orchestrator + activity: greet, then wait for an Approval event raced against a 72 h timer."""

import json
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

bp = df.Blueprint()
APPROVAL_EVENT = "Approval"
APPROVAL_WINDOW = timedelta(hours=72)


@bp.orchestration_trigger(context_name="context")
def approval_flow(context: df.DurableOrchestrationContext):
    """Greet, then return the approval decision, or 'expired' once the 72 h timer fires first."""
    payload: dict[str, Any] = context.get_input() or {}
    greeting = yield context.call_activity("greet", payload.get("name", "nobody"))
    context.set_custom_status({"stage": "awaiting_approval", "greeting": greeting})
    timer = context.create_timer(context.current_utc_datetime + APPROVAL_WINDOW)
    approval = context.wait_for_external_event(APPROVAL_EVENT)
    winner = yield context.task_any([approval, timer])
    if winner == approval:
        timer.cancel()
        decision = _normalised(approval.result)
        return {"greeting": greeting, "decision": decision, "source": payload.get("source")}
    return {"greeting": greeting, "decision": "expired", "source": payload.get("source")}


def _normalised(value: Any) -> Any:
    """raise_event double-encodes its payload (durable-python #295): decode JSON text once more."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@bp.activity_trigger(input_name="name", activity="greet")
def greet_activity(name: str) -> str:
    """Say hello."""
    return f"Hello {name}"
