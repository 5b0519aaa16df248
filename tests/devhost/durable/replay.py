"""Replay helpers in the manner of the SDK's own tests: build a history, run the real handler on it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import azure.durable_functions as df
from azure.functions._durable_functions import OrchestrationContext

from devhost.durable import history, worker
from devhost.durable.history import Event

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


class HistoryBuilder:
    """Seeds OrchestratorStarted/ExecutionStarted, then adds episodes of new events on a fake clock."""

    def __init__(self, name: str = "orchestrator", input_json: str | None = None) -> None:
        self.now = START
        self.played: list[Event] = []
        self.fresh: list[Event] = [
            history.orchestrator_started(START),
            history.execution_started(START, name, input_json),
        ]
        self.input_json = input_json

    def episode(self, *events: Event, after: timedelta = timedelta(0)) -> HistoryBuilder:
        """Close the current episode and open the next one `after` later, delivering events."""
        self.played += self.fresh
        self.now += after
        self.fresh = [history.orchestrator_started(self.now), *events]
        return self

    def body(self) -> str:
        """The orchestration trigger payload for the current episode."""
        events = history.replay(self.played, self.fresh)
        return worker.orchestrator_body("instance-1", self.input_json, events, bool(self.played))


def handlers(app: df.DFApp) -> dict[str, Callable[..., Any]]:
    """Registered orchestrators of app by function name."""
    return {f.get_function_name(): f.get_user_function() for f in app.get_functions()}


def replay(handler: Callable[..., Any], builder: HistoryBuilder) -> dict[str, Any]:
    """Run one episode through the SDK handler and return its OrchestratorState JSON."""
    state: dict[str, Any] = json.loads(handler(OrchestrationContext(builder.body())))
    return state


def actions(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The single V3 action list of a state."""
    assert len(state["actions"]) == 1
    result: list[dict[str, Any]] = state["actions"][0]
    return result
