"""Fixtures for the durable engine tests: the sample app, a virtual clock, engines on a sqlite store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import azure.durable_functions as df
import pytest

from devhost.durable import Clock, DurableEngine, VirtualClock

from . import sample_activities, sample_orchestrators

Functions = dict[str, Callable[..., Any]]
EngineFactory = Callable[..., AbstractAsyncContextManager[DurableEngine]]


def durable_functions(*blueprints: df.Blueprint) -> tuple[Functions, Functions]:
    """(orchestrators, activities) by durable name of a DFApp of these blueprints, as the host loads them."""
    app = df.DFApp()
    for blueprint in blueprints:
        app.register_functions(blueprint)
    orchestrators: Functions = {}
    activities: Functions = {}
    for function in app.get_functions():
        trigger, name = function.get_trigger(), function.get_function_name()
        if trigger.get_binding_name() == "orchestrationTrigger":
            orchestrators[trigger.orchestration or name] = function.get_user_function()
        elif trigger.get_binding_name() == "activityTrigger":
            activities[trigger.activity or name] = function.get_user_function()
    return orchestrators, activities


ORCHESTRATORS, ACTIVITIES = durable_functions(sample_activities.bp, sample_orchestrators.bp)
DRIFTED, _ = durable_functions(sample_orchestrators.drifted)


@pytest.fixture
def sample() -> Iterator[ModuleType]:
    """The sample activities module, its call counters and gates reset around the test."""
    for state in (sample_activities.CALLS, sample_activities.STARTED, sample_activities.RELEASE):
        state.clear()
    yield sample_activities
    for state in (sample_activities.CALLS, sample_activities.STARTED, sample_activities.RELEASE):
        state.clear()


@pytest.fixture
def clock() -> VirtualClock:
    """Virtual time starting at 2024-01-01 09:00 UTC."""
    return VirtualClock(datetime(2024, 1, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def engines(clock: VirtualClock, tmp_path: Path) -> EngineFactory:
    """Start an engine on this test's store (`async with engines() as engine:`), stopped on exit."""

    @asynccontextmanager
    async def running(
        orchestrators: Functions | None = None, engine_clock: Clock | None = None, **options: Any
    ) -> AsyncIterator[DurableEngine]:
        engine = DurableEngine(
            orchestrators=orchestrators or ORCHESTRATORS,
            activities=ACTIVITIES,
            store_path=tmp_path / "durable.sqlite",
            clock=engine_clock or clock,
            **options,
        )
        await engine.start()
        try:
            yield engine
        finally:
            await engine.stop()

    return running


@pytest.fixture
def drifted() -> Functions:
    """The orchestrators with 'drift' replaced by its incompatible second version."""
    return {**ORCHESTRATORS, **DRIFTED}
