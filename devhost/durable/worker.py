"""Calling user code as the Python worker does: orchestrators through the SDK, activities via converters."""

from __future__ import annotations

import asyncio
import inspect
import json
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from azure.functions import meta
from azure.functions._durable_functions import OrchestrationContext
from azure.functions.durable_functions import ActivityTriggerConverter

from devhost.durable.history import Event

# Timer chunking as the extension configures it for Python (replay schema V3).
LONG_TIMER_INTERVAL = "3.00:00:00"
MAX_SHORT_TIMER = "6.00:00:00"
_ERROR_MARKER = "\n\n$OutOfProcData$:"


@dataclass(frozen=True)
class OrchestratorOutput:
    """What one orchestrator invocation returned: its OrchestratorState, an error message, or both."""

    state: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True)
class ActivityOutput:
    """An activity's JSON result, or the Reason/Details of its failure."""

    result_json: str | None
    reason: str | None = None
    details: str | None = None


def orchestrator_body(
    instance_id: str, input_json: str | None, events: list[Event], replaying: bool, parent_id: str | None = None
) -> str:
    """The orchestration trigger payload (context.body) the extension sends for one episode."""
    return json.dumps(
        {
            "history": events,
            "input": input_json,
            "instanceId": instance_id,
            "isReplaying": replaying,
            "parentInstanceId": parent_id,
            "upperSchemaVersion": 1,
            "upperSchemaVersionNew": 2,
            "longRunningTimerIntervalDuration": LONG_TIMER_INTERVAL,
            "maximumShortTimerDuration": MAX_SHORT_TIMER,
            "defaultHttpAsyncRequestSleepTimeMillseconds": 30000,
        }
    )


def run_orchestrator(handler: Callable[..., Any], body: str) -> OrchestratorOutput:
    """Invoke the registered orchestrator; an exception carries its state after the $OutOfProcData$ marker."""
    try:
        returned = handler(OrchestrationContext(body))
    except Exception as exc:  # user code may raise anything: it becomes the failure
        return _failure(exc)
    try:
        return OrchestratorOutput(json.loads(returned), None)
    except (TypeError, ValueError):
        kind = type(returned).__name__
        return OrchestratorOutput(None, f"the orchestrator returned {kind}, not OrchestratorState JSON")


def _failure(exc: Exception) -> OrchestratorOutput:
    message, marker, data = str(exc).partition(_ERROR_MARKER)
    if not marker:
        return OrchestratorOutput(None, message or type(exc).__name__)
    state: dict[str, Any] = json.loads(data)
    return OrchestratorOutput(state, str(state.get("error") or message))


async def run_activity(
    name: str, function: Callable[..., Any], input_json: str | None, pool: Executor | None = None
) -> ActivityOutput:
    """Decode input as ActivityTriggerConverter does, run the function (sync: in a thread), encode result."""
    try:
        datum = meta.Datum(input_json or "null", "json")
        value = ActivityTriggerConverter.decode(datum, trigger_metadata=None)
        if inspect.iscoroutinefunction(function):
            result = await function(value)
        else:
            result = await asyncio.get_running_loop().run_in_executor(pool, function, value)
        if inspect.isawaitable(result):
            result = await result
        encoded = ActivityTriggerConverter.encode(result, expected_type=None)
    except Exception as exc:  # reported to the orchestrator as TaskFailed
        return ActivityOutput(
            None, f"Activity function '{name}' failed: {type(exc).__name__}: {exc}", traceback.format_exc()
        )
    return ActivityOutput(str(encoded.value))
