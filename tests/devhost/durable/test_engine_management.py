"""The management side of the engine: start, events, terminate, purge, listing, status JSON."""

from __future__ import annotations

import asyncio
import json
from types import ModuleType
from typing import Any

import pytest
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from azure.durable_functions.models.OrchestrationRuntimeStatus import OrchestrationRuntimeStatus

from devhost.durable import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    UnknownOrchestrator,
)
from devhost.durable.engine import DurableEngine

GREETINGS = ["Hello Tokyo", "Hello Seattle", "Hello London"]


def status_of(engine: DurableEngine, instance_id: str) -> tuple[str, Any]:
    status = engine.get_status(instance_id)
    assert status is not None
    return status.runtime_status, status.output


async def test_start_new_rejects_unknown_and_running_names_but_restarts_finished(engines) -> None:
    async with engines() as engine:
        with pytest.raises(UnknownOrchestrator):
            await engine.start_new("nope", None, None)
        await engine.start_new("approval", "dup", None)
        with pytest.raises(InstanceAlreadyExists):
            await engine.start_new("approval", "dup", None)
        await engine.start_new("sequence", "done", None)
        await engine.wait_idle(10)
        await engine.start_new("sequence", "done", None)
        await engine.wait_idle(10)
        assert status_of(engine, "done")[0] == "Completed"


async def test_events_to_unknown_or_finished_instances(engines) -> None:
    async with engines() as engine:
        with pytest.raises(InstanceNotFound):
            await engine.raise_event("ghost", "Approval", "true")
        await engine.start_new("sequence", "s1", None)
        await engine.wait_idle(10)
        await engine.raise_event("s1", "Approval", "true")
        await engine.wait_idle(10)
        assert status_of(engine, "s1")[0] == "Completed"


async def test_terminate_stops_a_waiting_instance_and_drops_its_timer(engines) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "t1", None)
        await engine.wait_idle(10)
        await engine.terminate("t1", "operator says no")
        assert status_of(engine, "t1") == ("Terminated", "operator says no")
        assert engine.pending_timers("t1") == []
        with pytest.raises(InstanceNotRunning):
            await engine.terminate("t1", "again")
        with pytest.raises(InstanceNotFound):
            await engine.terminate("ghost", "nobody")


async def test_purge_and_list(engines) -> None:
    async with engines() as engine:
        await engine.start_new("sequence", "keep-1", None)
        await engine.start_new("approval", "keep-2", None)
        await engine.wait_idle(10)
        assert [s.instance_id for s in engine.list_instances(runtime_status=["Running"])] == ["keep-2"]
        assert len(engine.list_instances(instance_id_prefix="keep-")) == 2
        assert await engine.purge("keep-1") is True
        assert await engine.purge("keep-1") is False
        assert engine.get_status("keep-1") is None


async def test_management_json_parses_with_the_sdk(engines) -> None:
    async with engines() as engine:
        await engine.start_new("sequence", "j1", json.dumps({"run": 1}))
        await engine.wait_idle(10)
        body = engine.get_status("j1", show_history=True).to_management_json()
        parsed = DurableOrchestrationStatus.from_json(json.loads(json.dumps(body)))
        assert parsed.runtime_status is OrchestrationRuntimeStatus.Completed
        assert (parsed.name, parsed.instance_id, parsed.input_) == ("sequence", "j1", {"run": 1})
        assert parsed.output == GREETINGS
        assert parsed.created_time is not None and body["createdTime"].endswith("Z")
        completed = [e for e in body["historyEvents"] if e["EventType"] == "TaskCompleted"]
        assert (completed[0]["FunctionName"], completed[0]["Result"]) == ("say_hello", "Hello Tokyo")


async def test_result_of_an_activity_running_at_termination_is_dropped(engines, sample: ModuleType) -> None:
    async with engines() as engine:
        await engine.start_new("gate_then_hello", "tg", None)
        await asyncio.wait_for(sample.STARTED.setdefault("tg", asyncio.Event()).wait(), 10)
        await engine.terminate("tg", "stop it")
        sample.RELEASE.setdefault("tg", asyncio.Event()).set()
        await engine.wait_idle(10)
        assert status_of(engine, "tg") == ("Terminated", "stop it")
        history = engine.get_status("tg", show_history=True).history
        assert [e["EventType"] for e in history][-1] == "ExecutionTerminated"
