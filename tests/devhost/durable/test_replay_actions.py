"""Action-level replay tests (the SDK's own style): feed a history to the real handler, assert the actions."""

from __future__ import annotations

import json
from datetime import timedelta

import azure.durable_functions as df

from devhost.durable import history
from devhost.durable.actions import flatten

from .replay import START, HistoryBuilder, actions, handlers, replay

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def race(context: df.DurableOrchestrationContext):
    decided = context.wait_for_external_event("Approval")
    expiry = context.create_timer(context.current_utc_datetime + timedelta(hours=72))
    winner = yield context.task_any([decided, expiry])
    if winner == decided:
        expiry.cancel()
        return decided.result
    return "expired"


@app.orchestration_trigger(context_name="context")
def week(context: df.DurableOrchestrationContext):
    yield context.create_timer(context.current_utc_datetime + timedelta(days=7))
    return "woke"


@app.orchestration_trigger(context_name="context")
def fan(context: df.DurableOrchestrationContext):
    return sum((yield context.task_all([context.call_activity("double", i) for i in range(3)])))


@app.orchestration_trigger(context_name="context")
def again(context: df.DurableOrchestrationContext):
    yield context.call_activity("double", 1)
    context.continue_as_new({"round": 2})


HANDLERS = handlers(app)
DEADLINE = history.fmt(START + timedelta(hours=72))


def test_race_emits_when_any_of_event_and_timer() -> None:
    assert actions(replay(HANDLERS["race"], HistoryBuilder())) == [
        {
            "actionType": 11,
            "compoundActions": [
                {"actionType": 6, "externalEventName": "Approval", "reason": "ExternalEvent"},
                {"actionType": 5, "fireAt": DEADLINE, "isCanceled": False},
            ],
        }
    ]


def test_event_winning_the_race_cancels_the_timer_action() -> None:
    builder = HistoryBuilder().episode(history.event_raised(START, "Approval", json.dumps("yes")))
    state = replay(HANDLERS["race"], builder)
    timer = actions(state)[0]["compoundActions"][1]
    assert (state["isDone"], state["output"], timer["isCanceled"]) == (True, "yes", True)


def test_timer_winning_the_race_returns_the_timeout_branch() -> None:
    builder = HistoryBuilder().episode(history.timer_fired(START, 0, START), after=timedelta(hours=72))
    state = replay(HANDLERS["race"], builder)
    assert (state["isDone"], state["output"]) == (True, "expired")


def test_seven_day_timer_is_emitted_in_three_day_chunks() -> None:
    builder = HistoryBuilder()
    first = flatten(replay(HANDLERS["week"], builder)["actions"])
    assert [a.fire_at for a in first] == [START + timedelta(days=3)]
    builder.episode(history.timer_fired(builder.now, 0, START), after=timedelta(days=3))
    second = flatten(replay(HANDLERS["week"], builder)["actions"])
    assert [a.fire_at for a in second] == [START + timedelta(days=3), START + timedelta(days=7)]
    builder.episode(history.timer_fired(builder.now, 1, START), after=timedelta(days=4))
    assert replay(HANDLERS["week"], builder)["output"] == "woke"


def test_task_all_emits_when_all_and_completes_on_the_last_result() -> None:
    builder = HistoryBuilder()
    assert [a.name for a in flatten(replay(HANDLERS["fan"], builder)["actions"])] == ["double"] * 3
    builder.episode(*(history.task_completed(START, i, json.dumps(i * 2)) for i in (2, 0)))
    assert replay(HANDLERS["fan"], builder)["isDone"] is False
    builder.episode(history.task_completed(START, 1, "2"))
    assert replay(HANDLERS["fan"], builder)["output"] == 6


def test_continue_as_new_is_the_last_action_with_the_new_input() -> None:
    builder = HistoryBuilder().episode(history.task_completed(START, 0, "2"))
    state = replay(HANDLERS["again"], builder)
    assert state["isDone"] is True
    assert actions(state)[-1] == {"actionType": 4, "input": json.dumps({"round": 2})}
