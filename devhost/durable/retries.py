"""*_with_retry (activities and sub-orchestrations) driven by the host as DTFx does: the SDK emits no actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from azure.durable_functions.models.history import HistoryEventType

from devhost.durable import history
from devhost.durable.history import Event
from devhost.durable.records import Child, Commit, Ledger, Message

_FAILED = frozenset({HistoryEventType.TASK_FAILED, HistoryEventType.SUB_ORCHESTRATION_INSTANCE_FAILED})
_COMPLETED = frozenset({HistoryEventType.TASK_COMPLETED, HistoryEventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED})


def take_batch(messages: list[Message], ledger: Ledger) -> list[Message]:
    """Messages for one episode; one that advances a retry only ever comes first (keeps ids in step)."""
    batch: list[Message] = []
    for message in messages:
        if batch and advances(message.event, ledger):
            break
        batch.append(message)
    return batch


def advances(event: Event, ledger: Ledger) -> bool:
    """Whether delivering event moves a retry on (and so takes a sequence id before any new action)."""
    kind = event["EventType"]
    if kind in _FAILED:
        state = ledger.retries.get(event["TaskScheduledId"])
        return state is not None and not state.waiting_on_timer
    if kind == HistoryEventType.TIMER_FIRED:
        state = ledger.retries.get(event["TimerId"])
        return state is not None and state.waiting_on_timer
    return False


def advance(commit: Commit, event: Event, now: datetime) -> None:
    """Mirror DTFx's retry loop the SDK expects: failure -> retry timer -> next attempt, ids in step.

    Like DTFx, a timer follows every failed attempt, the last one included: the SDK only gives up
    when that timer fires.
    """
    ledger, kind = commit.ledger, event["EventType"]
    if kind in _COMPLETED:
        ledger.retries.pop(event["TaskScheduledId"], None)
        return
    if not advances(event, ledger):
        return
    if kind in _FAILED:
        state = ledger.retries.pop(event["TaskScheduledId"])
        timer_id, fire_at = ledger.allocate(), now + timedelta(milliseconds=state.policy.first_interval_ms)
        commit.events.append(history.timer_created(now, timer_id, fire_at))
        commit.timers.append((timer_id, fire_at))
        ledger.retries[timer_id] = replace(state, waiting_on_timer=True)
        return
    state = ledger.retries.pop(event["TimerId"])
    if state.attempt < state.policy.max_attempts:
        task_id = ledger.allocate()
        if state.sub:
            start_child(commit, task_id, state.name, state.child_id, state.input, now)
        else:
            commit.events.append(history.task_scheduled(now, task_id, state.name, state.input))
            commit.work.append((task_id, state.name, state.input))
        ledger.retries[task_id] = replace(state, attempt=state.attempt + 1, waiting_on_timer=False)


def start_child(
    commit: Commit,
    task_id: int,
    name: str,
    instance_id: str | None,
    input_json: str | None,
    now: datetime,
    version: str | None = None,
) -> None:
    """Schedule a sub-orchestration; without an id it gets DTFx's `{parent}:{sequence number}`."""
    child_id = instance_id or f"{commit.instance_id}:{task_id}"
    commit.events.append(history.sub_orchestration_created(now, task_id, name, child_id, input_json))
    commit.children.append(Child(task_id, name, child_id, input_json, version))
