"""Recording a golden history from a real engine run, and the gate's verdicts on it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import azure.durable_functions as df

from devhost.durable import DurableEngine, VirtualClock
from devhost.durable.store import Store
from devhost.durable.versioning import VersionPolicy
from tests.tools import golden
from tests.tools.replay_gate import divergence, handler_of

HUB = "GoldenHub"
recorded_code, changed_code, other_outcome = df.Blueprint(), df.Blueprint(), df.Blueprint()


@recorded_code.orchestration_trigger(context_name="context")
def flow(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("hello", "ana")
    yield context.wait_for_external_event("Go")
    return [first, (yield context.call_activity("hello", "bo"))]


@changed_code.orchestration_trigger(context_name="context")
def flow_changed(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("hello", "ana")
    yield context.call_activity("hello", "an audit step added before the wait")
    yield context.wait_for_external_event("Go")
    return [first, (yield context.call_activity("hello", "bo"))]


@other_outcome.orchestration_trigger(context_name="context")
def flow_reversed(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("hello", "ana")
    yield context.wait_for_external_event("Go")
    return [(yield context.call_activity("hello", "bo")), first]


RECORDED = handler_of(recorded_code, "flow")
CHANGED = handler_of(changed_code, "flow_changed")


async def _record(tmp_path: Path) -> Store:
    """Run `flow` to completion on the engine (version 3.0), then open its task hub."""
    engine = DurableEngine(
        orchestrators={"flow": RECORDED},
        activities={"hello": lambda name: f"hello {name}"},
        store_path=tmp_path / "hub.sqlite3",
        clock=VirtualClock(datetime(2024, 1, 1, tzinfo=UTC)),
        task_hub=HUB,
        versioning=VersionPolicy("3.0"),
    )
    await engine.start()
    try:
        await engine.start_new("flow", "i1", None)
        await engine.wait_idle(10)
        await engine.raise_event("i1", "Go", "null")
        await engine.wait_idle(10)
    finally:
        await engine.stop()
    return Store(tmp_path / "hub.sqlite3", HUB)


async def test_a_terminal_capture_keeps_the_version_actions_and_outcome_and_replays(tmp_path: Path) -> None:
    store = await _record(tmp_path)
    done = golden.capture(store, RECORDED, "i1", "done")
    assert (done.version, done.waiting, done.output) == ("3.0", False, ["hello ana", "hello bo"])
    assert [(a.kind, a.name, a.event_id) for a in done.actions] == [
        ("CALL_ACTIVITY", "hello", 0),
        ("WAIT_FOR_EXTERNAL_EVENT", "Go", None),
        ("CALL_ACTIVITY", "hello", 1),
    ]
    assert golden.load_all(tmp_path / "out") == [] and divergence(RECORDED, done) is None
    golden.save(done, tmp_path / "out")
    assert golden.load_all(tmp_path / "out") == [done]


async def test_a_wait_capture_is_the_history_before_the_event_that_ended_it(tmp_path: Path) -> None:
    store = await _record(tmp_path)
    waiting = golden.capture(store, RECORDED, "i1", "waiting", waiting_for="Go")
    assert waiting.waiting and [a.name for a in waiting.actions] == ["hello", "Go"]
    assert all(e.get("Name") != "Go" for e in waiting.history)
    assert divergence(RECORDED, waiting) is None


async def test_the_gate_names_where_a_changed_orchestrator_leaves_the_recorded_path(tmp_path: Path) -> None:
    store = await _record(tmp_path)
    waiting = golden.capture(store, RECORDED, "i1", "waiting", waiting_for="Go")
    assert divergence(CHANGED, waiting) == (
        "3.0/waiting: at the wait for event 'Go' the current code schedules CALL_ACTIVITY 'hello' instead"
    )
    done = golden.capture(store, RECORDED, "i1", "done")
    assert "at the wait for event 'Go'" in str(divergence(CHANGED, done))


async def test_the_gate_fails_a_recorded_outcome_the_code_no_longer_returns(tmp_path: Path) -> None:
    done = golden.capture(await _record(tmp_path), RECORDED, "i1", "done")
    assert divergence(handler_of(other_outcome, "flow_reversed"), done) == (
        "3.0/done: the recorded run completed with ['hello ana', 'hello bo']; "
        "the current code returns ['hello bo', 'hello ana']"
    )
