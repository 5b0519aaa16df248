"""One episode, without a store: the events, sequence ids, work and retries it produces."""

from __future__ import annotations

import json
from datetime import timedelta

import azure.durable_functions as df
from azure.durable_functions.models.history import HistoryEventType

from devhost.durable import history
from devhost.durable.actions import RetryPolicy
from devhost.durable.episode import Episode, run_episode
from devhost.durable.records import Commit, InstanceRow, Ledger, Message, RetryState
from devhost.durable.retries import take_batch

from .replay import START, handlers

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def pair(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("hello", "A")
    return [first, (yield context.call_activity("hello", "B"))]


@app.orchestration_trigger(context_name="context")
def retried(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=2_000, max_number_of_attempts=3)
    return (yield context.call_activity_with_retry("hello", options, "R"))


HANDLERS = handlers(app)


def episode(name: str, stored: list, batch: list[Message], ledger: Ledger | None = None) -> Episode:
    row = InstanceRow("i1", name, "exec", "Running", None, None, None, START, START, ledger or Ledger())
    return Episode(row, stored, batch, START)


def started(name: str) -> Message:
    return Message(1, "start", history.execution_started(START, name, None))


def kinds(commit: Commit) -> list[int]:
    return [e["EventType"] for e in commit.events]


def test_first_episode_schedules_the_first_activity_with_sequence_id_0() -> None:
    commit = run_episode(episode("pair", [], [started("pair")]), HANDLERS["pair"], {"hello"})
    assert kinds(commit) == [
        HistoryEventType.ORCHESTRATOR_STARTED,
        HistoryEventType.EXECUTION_STARTED,
        HistoryEventType.TASK_SCHEDULED,
        HistoryEventType.ORCHESTRATOR_COMPLETED,
    ]
    assert (commit.status, commit.work, commit.consumed) == ("Running", [(0, "hello", '"A"')], [1])
    assert commit.ledger.next_id == 1


def test_completion_schedules_the_next_activity_and_then_completes() -> None:
    first = run_episode(episode("pair", [], [started("pair")]), HANDLERS["pair"], {"hello"})
    done = Message(2, "result", history.task_completed(START, 0, '"a"'))
    second = run_episode(episode("pair", first.events, [done], first.ledger), HANDLERS["pair"], {"hello"})
    assert second.work == [(1, "hello", '"B"')]
    last = Message(3, "result", history.task_completed(START, 1, '"b"'))
    third = run_episode(
        episode("pair", first.events + second.events, [last], second.ledger), HANDLERS["pair"], {"hello"}
    )
    assert (third.status, json.loads(str(third.output_json))) == ("Completed", ["a", "b"])


def test_failed_attempt_creates_a_retry_timer_then_the_next_attempt() -> None:
    first = run_episode(episode("retried", [], [started("retried")]), HANDLERS["retried"], {"hello"})
    assert first.ledger.retries == {0: RetryState("hello", '"R"', 1, RetryPolicy(2000, 3))}
    failed = Message(2, "result", history.task_failed(START, 0, "boom", ""))
    second = run_episode(episode("retried", first.events, [failed], first.ledger), HANDLERS["retried"], {"hello"})
    assert second.timers == [(1, START + timedelta(seconds=2))] and second.work == []
    fired = Message(3, "timer", history.timer_fired(START, 1, START))
    third = run_episode(
        episode("retried", first.events + second.events, [fired], second.ledger),
        HANDLERS["retried"],
        {"hello"},
    )
    assert third.work == [(2, "hello", '"R"')] and third.ledger.retries[2].attempt == 2


def test_a_retry_advancing_message_only_ever_opens_a_batch() -> None:
    ledger = Ledger(3, [], {1: RetryState("hello", None, 1, RetryPolicy(1, 2))})
    plain = Message(1, "result", history.task_completed(START, 0, "1"))
    retry = Message(2, "result", history.task_failed(START, 1, "boom", ""))
    event = Message(3, "event", history.event_raised(START, "Go", None))
    assert take_batch([plain, retry, event], ledger) == [plain]
    assert take_batch([retry, event, plain], ledger) == [retry, event, plain]


def test_unknown_activity_and_missing_orchestrator_fail_the_instance() -> None:
    unknown = run_episode(episode("pair", [], [started("pair")]), HANDLERS["pair"], set())
    assert unknown.status == "Failed" and "The function 'hello' doesn't exist" in str(unknown.output_json)
    missing = run_episode(episode("gone", [], [started("gone")]), None, {"hello"})
    assert missing.status == "Failed" and "not an orchestrator function" in str(missing.output_json)
