"""Runtime behaviour: concurrency limits, independent instances, wall-clock timers, idling, logging."""

from __future__ import annotations

import asyncio
import json
import logging
from types import ModuleType

import pytest

from devhost.durable import WallClock


async def test_activities_run_concurrently_up_to_the_limit(engines, sample: ModuleType) -> None:
    async with engines(max_concurrent_activities=2) as engine:
        for n in range(3):
            await engine.start_new("gate_then_hello", f"g{n}", None)
        started = [sample.STARTED.setdefault(f"g{n}", asyncio.Event()) for n in range(3)]
        await asyncio.wait_for(
            asyncio.wait([asyncio.ensure_future(e.wait()) for e in started], return_when=asyncio.FIRST_COMPLETED),
            10,
        )
        for _ in range(50):
            await asyncio.sleep(0)
        assert sum(sample.CALLS.values()) == 2
        for n in range(3):
            sample.RELEASE.setdefault(f"g{n}", asyncio.Event()).set()
        await engine.wait_idle(10)
        assert [engine.get_status(f"g{n}").runtime_status for n in range(3)] == ["Completed"] * 3


async def test_many_instances_progress_independently(engines) -> None:
    async with engines() as engine:
        ids = [await engine.start_new("fan_out", f"many-{n}", json.dumps(n)) for n in range(1, 9)]
        blocked = await engine.start_new("approval", "blocked", None)
        await engine.wait_idle(10)
        assert [engine.get_status(i).output for i in ids] == [n * (n - 1) for n in range(1, 9)]
        assert engine.get_status(blocked).runtime_status == "Running"


async def test_wall_clock_timer_fires_without_advancing(engines) -> None:
    async with engines(engine_clock=WallClock(), task_hub="WallHub") as engine:
        await engine.start_new("sleeper", "nap", json.dumps(0.1 / 3600))
        await engine.wait_idle(10)
        await asyncio.sleep(0.15)
        await engine.wait_idle(10)
        assert engine.get_status("nap").runtime_status == "Completed"


async def test_wait_idle_times_out_while_an_activity_still_runs(engines, sample: ModuleType) -> None:
    async with engines() as engine:
        await engine.start_new("gate_then_hello", "busy", None)
        with pytest.raises(TimeoutError):
            await engine.wait_idle(0.05)
        sample.RELEASE.setdefault("busy", asyncio.Event()).set()
        await engine.wait_idle(10)
        assert engine.get_status("busy").runtime_status == "Completed"


async def test_task_hubs_in_one_file_are_isolated(engines) -> None:
    async with engines() as first, engines(task_hub="OtherHub") as second:
        await first.start_new("sequence", "shared-id", None)
        await first.wait_idle(10)
        assert second.get_status("shared-id") is None


async def test_episodes_and_activities_log_at_debug_and_failures_at_warning(engines, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="devhost.durable")
    async with engines() as engine:
        await engine.start_new("explodes", "logged", None)
        await engine.wait_idle(10)
    ours = [r for r in caplog.records if r.name == "devhost.durable"]
    debug = [r.getMessage() for r in ours if r.levelno == logging.DEBUG]
    warning = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    assert any(m.startswith("episode explodes/logged") for m in debug)
    assert any(m.startswith("activity say_hello") for m in debug)
    assert any("orchestrator exploded" in m for m in warning)
