"""A new engine on the same store resumes persisted work; replay catches code that changed mid-flight."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from types import ModuleType

from devhost.durable import VirtualClock


async def test_resumes_an_instance_waiting_for_an_event(engines) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "w1", None)
        await engine.wait_idle(10)
    async with engines() as engine:
        assert engine.get_status("w1").runtime_status == "Running"
        await engine.raise_event("w1", "Approval", json.dumps("after restart"))
        await engine.wait_idle(10)
        assert engine.get_status("w1").output["decision"] == "after restart"
        assert engine.pending_timers("w1") == []


async def test_reruns_an_activity_interrupted_by_stop(engines, sample: ModuleType) -> None:
    async with engines() as engine:
        await engine.start_new("gate_then_hello", "g1", None)
        await asyncio.wait_for(sample.STARTED.setdefault("g1", asyncio.Event()).wait(), 10)
    sample.RELEASE.setdefault("g1", asyncio.Event()).set()
    async with engines() as engine:
        await engine.wait_idle(10)
        assert engine.get_status("g1").output == ["released g1", "Hello after gate"]
    assert sample.CALLS["g1"] == 2


async def test_fires_a_timer_that_came_due_while_stopped(engines, clock: VirtualClock) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "d1", None)
        await engine.wait_idle(10)
    clock.advance(timedelta(hours=73))
    async with engines() as engine:
        await engine.wait_idle(10)
        assert engine.get_status("d1").output == {"decision": "expired"}


async def test_changed_orchestrator_code_fails_as_non_deterministic(engines, drifted) -> None:
    async with engines() as engine:
        await engine.start_new("drift", "nd1", None)
        await engine.wait_idle(10)
    async with engines(orchestrators=drifted) as engine:
        await engine.raise_event("nd1", "Go", None)
        await engine.wait_idle(10)
        status = engine.get_status("nd1")
        assert status.runtime_status == "Failed"
        assert "Non-Deterministic workflow detected" in status.output
        assert "CALL_ACTIVITY 'say_hello'" in status.output and "CALL_ACTIVITY 'double'" in status.output
