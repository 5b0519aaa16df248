"""The replay-compatibility gate: would today's orchestrator take the path a golden history recorded?

Each golden history is replayed through the SDK's own handler (context.version comes from its
ExecutionStarted event, as in production). The actions the code schedules must be the recorded ones,
in order (kind and name, what the host checks on every replay); a recorded wait must still wait and
a recorded outcome must still be the outcome. The first difference is reported naming the history
event where the paths part, so a deploy that would strand runs in flight fails CI instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.history import HistoryEventType

from devhost.durable import worker
from devhost.durable.actions import Action, flatten
from tests.tools.golden import GoldenHistory, RecordedAction

_SCHEDULING = (HistoryEventType.TASK_SCHEDULED, HistoryEventType.TIMER_CREATED)


def handler_of(blueprint: df.Blueprint, name: str) -> Callable[..., Any]:
    """The registered orchestrator `name` of a blueprint, as the worker would call it."""
    app = df.DFApp()
    app.register_functions(blueprint)
    return next(f.get_user_function() for f in app.get_functions() if f.get_function_name() == name)


def divergence(handler: Callable[..., Any], golden: GoldenHistory) -> str | None:
    """None when the code replays the golden history's path; else where and how it leaves it."""
    played = [{**e, "IsPlayed": True} for e in golden.history]
    output = worker.run_orchestrator(
        handler, worker.orchestrator_body(golden.instance_id, golden.input_json, played, True)
    )
    where = f"{golden.version}/{golden.scenario}"
    if output.state is None:
        return f"{where}: the current orchestrator raises while replaying: {output.error}"
    now = flatten(output.state.get("actions") or [])
    for recorded, current in zip(golden.actions, now, strict=False):
        if (recorded.kind, recorded.name) != (current.kind.name, current.name):
            return f"{where}: at {_event(golden, recorded)} the current code schedules {_action(current)} instead"
    if len(now) < len(golden.actions):
        return f"{where}: the current code stops before {_event(golden, golden.actions[len(now)])}"
    if len(now) > len(golden.actions):
        state = "was waiting" if golden.waiting else "had completed"
        last = _event(golden, golden.actions[-1]) if golden.actions else "the start"
        extra = _action(now[len(golden.actions)])
        return f"{where}: after {last}, where the recorded run {state}, the current code schedules {extra}"
    return _outcome(where, golden, output.state)


def _outcome(where: str, golden: GoldenHistory, state: dict[str, Any]) -> str | None:
    done = bool(state.get("isDone"))
    if golden.waiting and done:
        return f"{where}: the recorded run was waiting; the current code completes it with {state.get('output')!r}"
    if not golden.waiting and not done:
        return f"{where}: the recorded run completed with {golden.output!r}; the current code does not complete"
    if not golden.waiting and state.get("output") != golden.output:
        returned = state.get("output")
        return f"{where}: the recorded run completed with {golden.output!r}; the current code returns {returned!r}"
    return None


def _event(golden: GoldenHistory, action: RecordedAction) -> str:
    """The history event that recorded an action: 'history event #12 TaskScheduled 'tag_model' (EventId 9)'."""
    if action.event_id is None:
        return f"the wait for event {action.name!r}"
    for index, event in enumerate(golden.history):
        if event["EventType"] in _SCHEDULING and event["EventId"] == action.event_id:
            kind = "".join(p.capitalize() for p in HistoryEventType(event["EventType"]).name.split("_"))
            label = f" {event['Name']!r}" if event.get("Name") else ""
            return f"history event #{index} {kind}{label} (EventId {action.event_id})"
    return f"{action.kind} {action.name!r} (EventId {action.event_id})"


def _action(action: Action) -> str:
    return f"{action.kind.name} {action.name!r}" if action.name else action.kind.name
