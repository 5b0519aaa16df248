"""Orchestrators of the sample app, one per engine path (sequence, retries, races, timers, fan-out)."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

bp = df.Blueprint()
drifted = df.Blueprint()
Steps = Generator[Any, Any, Any]


@bp.orchestration_trigger(context_name="context")
def sequence(context: df.DurableOrchestrationContext) -> Steps:
    """Greet three cities in order."""
    greetings = []
    for city in ("Tokyo", "Seattle", "London"):
        greetings.append((yield context.call_activity("say_hello", city)))
    return greetings


@bp.orchestration_trigger(context_name="context")
def catch_failure(context: df.DurableOrchestrationContext) -> Steps:
    """Call a failing activity and return the caught message."""
    try:
        yield context.call_activity("always_fails", "boom")
    except Exception as exc:  # the activity's failure arrives as a plain Exception
        return {"caught": str(exc)}
    return {"caught": None}


@bp.orchestration_trigger(context_name="context")
def with_retry(context: df.DurableOrchestrationContext) -> Steps:
    """Retry flaky up to three times, 5 s apart."""
    options = df.RetryOptions(first_retry_interval_in_milliseconds=5_000, max_number_of_attempts=3)
    return (yield context.call_activity_with_retry("flaky", options, context.instance_id))


@bp.orchestration_trigger(context_name="context")
def retry_exhausted(context: df.DurableOrchestrationContext) -> Steps:
    """Retry an always-failing activity twice; the final failure fails the instance."""
    options = df.RetryOptions(first_retry_interval_in_milliseconds=1_000, max_number_of_attempts=2)
    yield context.call_activity_with_retry("always_fails", options, "still broken")


@bp.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext) -> Steps:
    """Wait (input hours, default 72) for an Approval event; cancel the timer when it wins, keep working."""
    context.set_custom_status({"stage": "awaiting_approval"})
    decided = context.wait_for_external_event("Approval")
    expiry = context.create_timer(context.current_utc_datetime + timedelta(hours=context.get_input() or 72))
    winner = yield context.task_any([decided, expiry])
    if winner != decided:
        return {"decision": "expired"}
    expiry.cancel()
    context.set_custom_status({"stage": "approved"})
    greeting = yield context.call_activity("say_hello", "approver")
    return {"decision": decided.result, "greeting": greeting}


@bp.orchestration_trigger(context_name="context")
def late_wait(context: df.DurableOrchestrationContext) -> Steps:
    """Sleep one hour, then wait for Approval (which may have been raised while sleeping)."""
    yield context.create_timer(context.current_utc_datetime + timedelta(hours=1))
    return (yield context.wait_for_external_event("Approval"))


@bp.orchestration_trigger(context_name="context")
def sleeper(context: df.DurableOrchestrationContext) -> Steps:
    """Sleep for the input number of hours and report the wake-up time."""
    yield context.create_timer(context.current_utc_datetime + timedelta(hours=context.get_input()))
    return context.current_utc_datetime.isoformat()


@bp.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext) -> Steps:
    """Double 0..n-1 in parallel and sum the results."""
    results = yield context.task_all([context.call_activity("double", i) for i in range(context.get_input())])
    return sum(results)


@bp.orchestration_trigger(context_name="context")
def fan_out_with_retry(context: df.DurableOrchestrationContext) -> Steps:
    """Call flaky for 0..n-1 in parallel, each retried on its own (the evaluation's batch fan-out)."""
    options = df.RetryOptions(first_retry_interval_in_milliseconds=5_000, max_number_of_attempts=3)
    keys = [f"{context.instance_id}-{i}" for i in range(context.get_input())]
    return (yield context.task_all([context.call_activity_with_retry("flaky", options, key) for key in keys]))


@bp.orchestration_trigger(context_name="context")
def countdown(context: df.DurableOrchestrationContext) -> Steps:
    """Continue as new until the input reaches zero."""
    remaining = context.get_input()
    if remaining > 0:
        yield context.call_activity("double", remaining)
        context.continue_as_new(remaining - 1)
        return None
    return "liftoff"


@bp.orchestration_trigger(context_name="context")
def explodes(context: df.DurableOrchestrationContext) -> Steps:
    """Run one activity, then raise."""
    yield context.call_activity("say_hello", "doomed")
    raise ValueError("orchestrator exploded")


@bp.orchestration_trigger(context_name="context")
def calls_http(context: df.DurableOrchestrationContext) -> Steps:
    """A durable HTTP call (not run by the local engine)."""
    return (yield context.call_http("GET", "http://127.0.0.1:9/"))


@bp.orchestration_trigger(context_name="context")
def gate_then_hello(context: df.DurableOrchestrationContext) -> Steps:
    """Run the gated activity, then greet."""
    released = yield context.call_activity("gated", context.instance_id)
    return [released, (yield context.call_activity("say_hello", "after gate"))]


@bp.orchestration_trigger(context_name="context")
def drift(context: df.DurableOrchestrationContext) -> Steps:
    """Version 1: greet, then wait for Go."""
    yield context.call_activity("say_hello", "v1")
    yield context.wait_for_external_event("Go")
    return "v1"


@drifted.orchestration_trigger(context_name="context", orchestration="drift")
def drift_v2(context: df.DurableOrchestrationContext) -> Steps:
    """Version 2 of drift, deployed mid-flight: schedules a different activity first."""
    yield context.call_activity("double", 1)
    yield context.wait_for_external_event("Go")
    return "v2"
