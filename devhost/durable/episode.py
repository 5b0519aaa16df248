"""One orchestrator episode: replay history plus new events through the SDK; its actions become a Commit."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from azure.durable_functions.models.actions import ActionType

from devhost.durable import actions, history, retries, worker
from devhost.durable.actions import Action, Recorded
from devhost.durable.errors import NonDeterminismError, UnsupportedAction, missing_function
from devhost.durable.history import Event
from devhost.durable.records import Commit, EntityOp, InstanceRow, Message, RetryState

_ACTIVITIES = frozenset({ActionType.CALL_ACTIVITY, ActionType.CALL_ACTIVITY_WITH_RETRY})
_SUBS = frozenset({ActionType.CALL_SUB_ORCHESTRATOR, ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY})
_ENTITY = frozenset({ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY})
_SUPPORTED = _ACTIVITIES | _SUBS | _ENTITY | {ActionType.CREATE_TIMER, ActionType.WAIT_FOR_EXTERNAL_EVENT}


@dataclass(frozen=True)
class Episode:
    """The input of one episode: the instance, its stored history and the messages to deliver now."""

    row: InstanceRow
    stored: list[Event]
    batch: list[Message]
    now: datetime
    parent_id: str | None = None  # a sub-orchestration's parent (context.parent_instance_id)


def run_episode(episode: Episode, handler: Callable[..., Any] | None, activities: Collection[str]) -> Commit:
    """Run the orchestrator over the full history and return every change the episode makes."""
    row, now = episode.row, episode.now
    commit = Commit(
        row.instance_id,
        row.execution_id,
        row.name,
        [m.id for m in episode.batch],
        copy.deepcopy(row.ledger),
        version=row.version,
    )
    fresh = [history.orchestrator_started(now), *(m.event for m in episode.batch)]
    commit.events.extend(fresh)
    for message in episode.batch:
        retries.advance(commit, message.event, now)
    if handler is None:
        return _fail(commit, missing_function(row.name, "orchestrator"), now)
    body = worker.orchestrator_body(
        row.instance_id,
        row.input_json,
        history.replay(episode.stored, fresh),
        bool(episode.stored),
        episode.parent_id,
    )
    output = worker.run_orchestrator(handler, body)
    try:
        if output.state is not None:
            _accept(commit, output.state, activities, now)
    except (NonDeterminismError, UnsupportedAction) as exc:
        return _fail(commit, str(exc), now)
    except (KeyError, TypeError, ValueError) as exc:
        return _fail(commit, f"unreadable orchestrator output: {exc!r}", now)
    if output.error is not None or output.state is None:
        return _fail(commit, output.error or "the orchestrator returned no state", now)
    return _conclude(commit, output.state, now)


def _accept(commit: Commit, state: dict[str, Any], activities: Collection[str], now: datetime) -> None:
    commit.custom_status_json = json.dumps(state["customStatus"]) if "customStatus" in state else None
    flat = actions.flatten(state.get("actions") or [])
    for action in actions.new_actions(commit.ledger.actions, flat):
        _schedule(commit, action, activities, now)
    for position, action in enumerate(flat[: len(commit.ledger.actions)]):
        timer_id = commit.ledger.actions[position].event_id
        if action.kind == ActionType.CREATE_TIMER and action.cancelled and timer_id is not None:
            commit.cancelled_timers.append(timer_id)


def _schedule(commit: Commit, action: Action, activities: Collection[str], now: datetime) -> None:
    if action.kind == ActionType.CONTINUE_AS_NEW:
        commit.restart_input = action.input
        commit.restart = history.execution_started(now, commit.name, action.input, commit.version)
        return
    if action.kind not in _SUPPORTED:
        raise UnsupportedAction(f"{action.kind.name} is not supported by the local durable engine")
    if action.kind in _ACTIVITIES and action.name not in activities:
        raise UnsupportedAction(missing_function(str(action.name), "activity"))
    event_id = commit.ledger.allocate() if action.kind in actions.NUMBERED else None
    commit.ledger.actions.append(Recorded(int(action.kind), action.name, event_id))
    if event_id is None:
        return
    if action.kind == ActionType.CREATE_TIMER and action.fire_at is not None:
        commit.events.append(history.timer_created(now, event_id, action.fire_at))
        if not action.cancelled:
            commit.timers.append((event_id, action.fire_at))
        return
    if action.kind in _ENTITY:
        _send_to_entity(commit, action, event_id, now)
        return
    name, sub = str(action.name), action.kind in _SUBS
    if sub:
        retries.start_child(commit, event_id, name, action.instance_id, action.input, now, action.version)
    else:
        commit.events.append(history.task_scheduled(now, event_id, name, action.input))
        commit.work.append((event_id, name, action.input))
    if action.retry is not None:
        commit.ledger.retries[event_id] = RetryState(
            name, action.input, 1, action.retry, child_id=action.instance_id, sub=sub
        )


def _send_to_entity(commit: Commit, action: Action, event_id: int, now: datetime) -> None:
    """Queue the operation; a call is answered by an EventRaised named after its request id."""
    target, operation = str(action.instance_id), str(action.name)
    if not target.startswith("@"):
        raise UnsupportedAction(f"entity id {target!r} is not of the form @name@key")
    request_id = str(uuid.uuid4())
    call = action.kind == ActionType.CALL_ENTITY
    message = {"id": request_id, "op": operation, "signal": not call, "input": action.input}
    commit.events.append(history.event_sent(now, event_id, target, "op", json.dumps(message)))
    caller = commit.instance_id if call else None
    commit.entity_ops.append(EntityOp(target, operation, action.input, request_id if call else None, caller))


def _conclude(commit: Commit, state: dict[str, Any], now: datetime) -> Commit:
    if commit.restart is None and state.get("isDone"):
        commit.status, commit.output_json = "Completed", json.dumps(state.get("output"))
        commit.events.append(history.execution_completed(now, "Completed", commit.output_json))
    commit.events.append(history.orchestrator_completed(now))
    return commit


def _fail(commit: Commit, message: str, now: datetime) -> Commit:
    commit.status, commit.restart = "Failed", None
    commit.output_json = json.dumps(f"Orchestrator function '{commit.name}' failed: {message}")
    commit.events += [
        history.execution_completed(now, "Failed", commit.output_json),
        history.orchestrator_completed(now),
    ]
    return commit
