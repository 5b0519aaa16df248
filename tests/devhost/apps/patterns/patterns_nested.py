"""Sub-orchestrations: with and without an instance id, with retry, and a failing child."""

import azure.durable_functions as df

bp = df.Blueprint()
CHILD_RUNS: dict[str, int] = {}


@bp.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext):
    """Two children: one with a generated id, one with the id given in the input."""
    given = context.get_input()
    generated = yield context.call_sub_orchestrator("chaining", "Oslo")
    named = yield context.call_sub_orchestrator("chaining", "Lima", given)
    return [generated, named]


@bp.orchestration_trigger(context_name="context")
def parent_of_failure(context: df.DurableOrchestrationContext):
    """A child that fails; the parent catches the failure and reports it."""
    try:
        yield context.call_sub_orchestrator("failing_child", None)
    except Exception as exc:
        return f"child failed: {'kaput' in str(exc)}"
    return "child succeeded"


@bp.orchestration_trigger(context_name="context")
def parent_with_retry(context: df.DurableOrchestrationContext):
    """A child that fails on its first run, retried once a minute later."""
    options = df.RetryOptions(first_retry_interval_in_milliseconds=60_000, max_number_of_attempts=2)
    return (yield context.call_sub_orchestrator_with_retry("flaky_child", options, context.instance_id))


@bp.orchestration_trigger(context_name="context")
def parent_of_reporter(context: df.DurableOrchestrationContext):
    """A child that reports the parent instance id it sees."""
    return (yield context.call_sub_orchestrator("reporter"))


@bp.orchestration_trigger(context_name="context")
def reporter(context: df.DurableOrchestrationContext):
    yield context.call_activity("count_child_run", context.instance_id)
    return context.parent_instance_id


@bp.orchestration_trigger(context_name="context")
def failing_child(context: df.DurableOrchestrationContext):
    yield context.call_activity("fail", "kaput")


@bp.orchestration_trigger(context_name="context")
def flaky_child(context: df.DurableOrchestrationContext):
    result = yield context.call_activity("count_child_run", context.get_input())
    if result < 2:
        raise RuntimeError(f"child run {result} fails")
    return f"child succeeded on run {result}"


@bp.activity_trigger(input_name="key")
def count_child_run(key: str) -> int:
    CHILD_RUNS[key] = CHILD_RUNS.get(key, 0) + 1
    return CHILD_RUNS[key]
