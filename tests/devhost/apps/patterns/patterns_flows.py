"""Chaining, fan-out/fan-in, human interaction, retries, caught failures, continue_as_new, uuids, status."""

import json
from datetime import timedelta

import azure.durable_functions as df

bp = df.Blueprint()
ATTEMPTS: dict[str, int] = {}  # flaky activity: attempts per key (one worker process, as in the tests)


@bp.orchestration_trigger(context_name="context")
def chaining(context: df.DurableOrchestrationContext):
    """Three activities in order, each fed the previous result."""
    first = yield context.call_activity("greet", context.get_input() or "Tokyo")
    second = yield context.call_activity("greet", first)
    return (yield context.call_activity("greet", second))


@bp.orchestration_trigger(context_name="context")
def fan_out_fan_in(context: df.DurableOrchestrationContext):
    """N squares in parallel, summed once all are in."""
    count = int(context.get_input() or 10)
    results = yield context.task_all([context.call_activity("square", n) for n in range(count)])
    return sum(results)


@bp.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext):
    """Wait for an Approval event raced against a 72 h timer."""
    context.set_custom_status("waiting for approval")
    timer = context.create_timer(context.current_utc_datetime + timedelta(hours=72))
    event = context.wait_for_external_event("Approval")
    winner = yield context.task_any([event, timer])
    if winner == event:
        timer.cancel()
        return {"decision": _decoded(event.result)}
    return {"decision": "timed out"}


@bp.orchestration_trigger(context_name="context")
def with_retries(context: df.DurableOrchestrationContext):
    """An activity that fails twice, retried up to three attempts a minute apart."""
    options = df.RetryOptions(first_retry_interval_in_milliseconds=60_000, max_number_of_attempts=3)
    return (yield context.call_activity_with_retry("flaky", options, context.instance_id))


@bp.orchestration_trigger(context_name="context")
def caught_failure(context: df.DurableOrchestrationContext):
    """An activity failure caught by the orchestrator, which then completes."""
    try:
        yield context.call_activity("fail", "boom")
    except Exception as exc:
        return f"caught: {'boom' in str(exc)}"
    return "not caught"


@bp.orchestration_trigger(context_name="context")
def counter(context: df.DurableOrchestrationContext):
    """Count to 3 through continue_as_new, one execution per step."""
    value = int(context.get_input() or 0)
    if value < 3:
        context.continue_as_new(value + 1)
        return None
    return value


@bp.orchestration_trigger(context_name="context")
def uuids(context: df.DurableOrchestrationContext):
    """Two new_uuid values around an activity fed the first: its result shows the first episode's value."""
    first = str(context.new_uuid())
    greeting = yield context.call_activity("greet", first)
    return [first, str(context.new_uuid()), greeting]


@bp.orchestration_trigger(context_name="context")
def waiter(context: df.DurableOrchestrationContext):
    """Custom status, then wait for a Go event and return its payload."""
    context.set_custom_status({"stage": "waiting", "input": context.get_input()})
    return _decoded((yield context.wait_for_external_event("Go")))


@bp.activity_trigger(input_name="name")
def greet(name: str) -> str:
    return f"Hello {name}"


@bp.activity_trigger(input_name="n")
def square(n: int) -> int:
    return n * n


@bp.activity_trigger(input_name="key")
def flaky(key: str) -> str:
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] < 3:
        raise RuntimeError(f"attempt {ATTEMPTS[key]} fails")
    return f"succeeded on attempt {ATTEMPTS[key]}"


@bp.activity_trigger(input_name="message")
def fail(message: str) -> str:
    raise ValueError(message)


def _decoded(value):
    """raise_event double-encodes its payload (durable-python #295): decode JSON text once more."""
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value
