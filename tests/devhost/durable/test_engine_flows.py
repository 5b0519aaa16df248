"""The engine drives real orchestrators end to end: activities, failures, retries, fan-out, status."""

from __future__ import annotations

import json
from datetime import timedelta
from types import ModuleType
from typing import Any

from devhost.durable import (
    VirtualClock,
)
from devhost.durable.engine import DurableEngine

GREETINGS = ["Hello Tokyo", "Hello Seattle", "Hello London"]


def status_of(engine: DurableEngine, instance_id: str) -> tuple[str, Any]:
    status = engine.get_status(instance_id)
    assert status is not None
    return status.runtime_status, status.output


async def test_sequence_of_activities_completes_in_order(engines) -> None:
    async with engines() as engine:
        instance_id = await engine.start_new("sequence", None, None)
        assert engine.get_status(instance_id).runtime_status in ("Pending", "Running")
        await engine.wait_idle(10)
        assert status_of(engine, instance_id) == ("Completed", GREETINGS)


async def test_activity_failure_is_caught_by_the_orchestrator(engines) -> None:
    async with engines() as engine:
        instance_id = await engine.start_new("catch_failure", "c1", None)
        await engine.wait_idle(10)
        runtime_status, output = status_of(engine, instance_id)
        assert runtime_status == "Completed"
        assert "Activity function 'always_fails' failed: ValueError: boom" in output["caught"]


async def test_retry_fails_twice_then_succeeds_after_retry_timers(
    engines, clock: VirtualClock, sample: ModuleType
) -> None:
    async with engines() as engine:
        await engine.start_new("with_retry", "r1", None)
        await engine.wait_idle(10)
        assert sample.CALLS["r1"] == 1 and len(engine.pending_timers("r1")) == 1
        clock.advance(timedelta(seconds=5))
        await engine.wait_idle(10)
        assert sample.CALLS["r1"] == 2
        clock.advance(timedelta(seconds=5))
        await engine.wait_idle(10)
        assert status_of(engine, "r1") == ("Completed", "ok after 3 attempts")
        assert engine.pending_timers("r1") == []


async def test_retry_exhausted_fails_the_instance(engines, clock: VirtualClock) -> None:
    async with engines() as engine:
        await engine.start_new("retry_exhausted", "r2", None)
        for _ in range(3):
            await engine.wait_idle(10)
            clock.advance(timedelta(seconds=1))
        await engine.wait_idle(10)
        runtime_status, output = status_of(engine, "r2")
        assert runtime_status == "Failed"
        assert output.startswith("Orchestrator function 'retry_exhausted' failed:")
        assert "still broken" in output


async def test_task_all_fans_out_and_in(engines) -> None:
    async with engines(max_concurrent_activities=2) as engine:
        await engine.start_new("fan_out", "f1", json.dumps(6))
        await engine.wait_idle(10)
        assert status_of(engine, "f1") == ("Completed", 30)


async def test_task_all_retries_each_failing_activity_on_its_own(
    engines, clock: VirtualClock, sample: ModuleType
) -> None:
    async with engines(max_concurrent_activities=2) as engine:
        sample.CALLS.update({"fr-1": 2, "fr-2": 1})  # fr-0 fails twice, fr-1 never, fr-2 once
        await engine.start_new("fan_out_with_retry", "fr", json.dumps(3))
        for waiting in (2, 1):  # each failed call waits on its own retry timer; the others go on
            await engine.wait_idle(10)
            assert len(engine.pending_timers("fr")) == waiting
            clock.advance(timedelta(seconds=5))
        await engine.wait_idle(10)
        assert status_of(engine, "fr") == ("Completed", ["ok after 3 attempts"] * 3)
        assert [sample.CALLS[f"fr-{i}"] for i in range(3)] == [3, 3, 3]


async def test_custom_status_is_reported_while_waiting(engines) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "a1", None)
        await engine.wait_idle(10)
        assert engine.get_status("a1").custom_status == {"stage": "awaiting_approval"}


async def test_continue_as_new_restarts_with_fresh_history(engines) -> None:
    async with engines() as engine:
        await engine.start_new("countdown", "n1", json.dumps(3))
        await engine.wait_idle(10)
        status = engine.get_status("n1", show_history=True)
        assert (status.runtime_status, status.output, status.input) == ("Completed", "liftoff", 0)
        assert [e["EventType"] for e in status.history] == ["ExecutionStarted", "ExecutionCompleted"]


async def test_orchestrator_exception_fails_with_its_message(engines) -> None:
    async with engines() as engine:
        await engine.start_new("explodes", "x1", None)
        await engine.wait_idle(10)
        expected = "Orchestrator function 'explodes' failed: orchestrator exploded"
        assert status_of(engine, "x1") == ("Failed", expected)


async def test_unsupported_actions_fail_the_instance_clearly(engines) -> None:
    async with engines() as engine:
        await engine.start_new("calls_http", "sub1", None)
        await engine.wait_idle(10)
        runtime_status, output = status_of(engine, "sub1")
        assert runtime_status == "Failed" and "CALL_HTTP is not supported" in output
