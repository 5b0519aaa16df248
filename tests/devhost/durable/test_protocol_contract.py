"""Pins the SDK's wire protocol the engine depends on, so an SDK upgrade that changes it fails loudly."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib.metadata import version

import azure.durable_functions as df
import pytest
from azure.durable_functions.constants import DATETIME_STRING_FORMAT
from azure.durable_functions.models import DurableOrchestrationContext
from azure.durable_functions.models.actions import ActionType
from azure.durable_functions.models.history import HistoryEvent, HistoryEventType
from azure.durable_functions.models.ReplaySchema import ReplaySchema
from azure.functions._durable_functions import OrchestrationContext

from devhost.durable import history

from .replay import START, HistoryBuilder, actions, handlers, replay

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def retrying(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=1_000, max_number_of_attempts=2)
    first = yield context.call_activity_with_retry("work", options, 1)
    second = yield context.call_activity("work", 2)
    return [first, second]


@app.orchestration_trigger(context_name="context")
def waits_then_calls(context: df.DurableOrchestrationContext):
    event = yield context.wait_for_external_event("Go")
    return (yield context.call_activity("work", event))


@app.orchestration_trigger(context_name="context")
def fails(context: df.DurableOrchestrationContext):
    context.set_custom_status("about to fail")
    yield context.call_activity("work", 1)
    raise RuntimeError("bad input")


HANDLERS = handlers(app)


def test_sdk_versions_are_the_ones_the_protocol_was_verified_against() -> None:
    assert (version("azure-functions-durable"), version("azure-functions")) == ("1.7.0", "1.26.0")


def test_replay_schema_v3_is_selected_by_upper_schema_version_new_2() -> None:
    assert {s.name: s.value for s in ReplaySchema} == {"V1": 0, "V2": 1, "V3": 2}
    context = DurableOrchestrationContext.from_json(HistoryBuilder().body())
    assert context._replay_schema is ReplaySchema.V3
    assert context._maximum_short_timer_duration == timedelta(days=6)
    assert context._long_timer_interval_duration == timedelta(days=3)


def test_action_type_codes() -> None:
    assert {a.name: a.value for a in ActionType} == {
        "CALL_ACTIVITY": 0,
        "CALL_ACTIVITY_WITH_RETRY": 1,
        "CALL_SUB_ORCHESTRATOR": 2,
        "CALL_SUB_ORCHESTRATOR_WITH_RETRY": 3,
        "CONTINUE_AS_NEW": 4,
        "CREATE_TIMER": 5,
        "WAIT_FOR_EXTERNAL_EVENT": 6,
        "CALL_ENTITY": 7,
        "CALL_HTTP": 8,
        "SIGNAL_ENTITY": 9,
        "WHEN_ANY": 11,
        "WHEN_ALL": 12,
    }


def test_history_event_type_codes() -> None:
    assert {e.name: e.value for e in HistoryEventType} == {
        "EXECUTION_STARTED": 0,
        "EXECUTION_COMPLETED": 1,
        "EXECUTION_FAILED": 2,
        "EXECUTION_TERMINATED": 3,
        "TASK_SCHEDULED": 4,
        "TASK_COMPLETED": 5,
        "TASK_FAILED": 6,
        "SUB_ORCHESTRATION_INSTANCE_CREATED": 7,
        "SUB_ORCHESTRATION_INSTANCE_COMPLETED": 8,
        "SUB_ORCHESTRATION_INSTANCE_FAILED": 9,
        "TIMER_CREATED": 10,
        "TIMER_FIRED": 11,
        "ORCHESTRATOR_STARTED": 12,
        "ORCHESTRATOR_COMPLETED": 13,
        "EVENT_SENT": 14,
        "EVENT_RAISED": 15,
        "CONTINUE_AS_NEW": 16,
        "GENERIC_EVENT": 17,
        "HISTORY_STATE": 18,
        "EXECUTION_SUSPENDED": 19,
        "EXECUTION_RESUMED": 20,
    }


def test_timestamps_round_trip_through_the_sdk_parser() -> None:
    assert DATETIME_STRING_FORMAT == "%Y-%m-%dT%H:%M:%S.%fZ"
    moment = START + timedelta(microseconds=123456)
    parsed = HistoryEvent(**history.orchestrator_started(moment))
    assert parsed.timestamp == moment and history.parse(history.fmt(moment)) == moment


def test_retry_numbers_each_retry_timer_and_attempt_while_emitting_one_action() -> None:
    builder = HistoryBuilder()
    first = replay(HANDLERS["retrying"], builder)
    retry_action = actions(first)[0]["compoundActions"][0]
    assert retry_action["actionType"] == ActionType.CALL_ACTIVITY_WITH_RETRY
    assert retry_action["retryOptions"] == {
        "firstRetryIntervalInMilliseconds": 1000,
        "maxNumberOfAttempts": 2,
    }
    builder.episode(history.task_failed(builder.now, 0, "boom", "trace"))
    builder.episode(history.timer_fired(builder.now, 1, builder.now), after=timedelta(seconds=1))
    builder.episode(history.task_completed(builder.now, 2, "10"))
    state = replay(HANDLERS["retrying"], builder)
    assert len(actions(state)) == 2 and actions(state)[1]["functionName"] == "work"
    builder.episode(history.task_completed(builder.now, 3, "20"))
    assert replay(HANDLERS["retrying"], builder)["output"] == [10, 20]


def test_exhausted_retry_fails_only_after_the_last_retry_timer() -> None:
    builder = HistoryBuilder()
    builder.episode(history.task_failed(builder.now, 0, "boom", "1"))
    builder.episode(history.timer_fired(builder.now, 1, builder.now))
    builder.episode(history.task_failed(builder.now, 2, "boom", "2"))
    assert replay(HANDLERS["retrying"], builder)["isDone"] is False
    builder.episode(history.timer_fired(builder.now, 3, builder.now))
    with pytest.raises(Exception, match=r"boom \n 2"):
        replay(HANDLERS["retrying"], builder)


def test_waiting_for_an_event_takes_no_sequence_number() -> None:
    builder = HistoryBuilder()
    builder.episode(history.event_raised(builder.now, "Go", json.dumps("x")))
    assert actions(replay(HANDLERS["waits_then_calls"], builder))[1]["input"] == json.dumps("x")
    builder.episode(history.task_completed(builder.now, 0, json.dumps("done")))
    assert replay(HANDLERS["waits_then_calls"], builder)["output"] == "done"


def test_orchestrator_exception_carries_state_after_the_out_of_proc_marker() -> None:
    builder = HistoryBuilder()
    builder.episode(history.task_completed(builder.now, 0, "1"))
    with pytest.raises(Exception) as raised:
        HANDLERS["fails"](OrchestrationContext(builder.body()))
    message, marker, data = str(raised.value).partition("\n\n$OutOfProcData$:")
    state = json.loads(data)
    assert (message, marker) == ("bad input", "\n\n$OutOfProcData$:")
    assert (state["isDone"], state["error"], state["customStatus"]) == (False, "bad input", "about to fail")


def test_orchestrator_state_shape() -> None:
    state = replay(HANDLERS["waits_then_calls"], HistoryBuilder())
    assert state == {
        "isDone": False,
        "schemaVersion": 2,
        "actions": [[{"actionType": 6, "externalEventName": "Go", "reason": "ExternalEvent"}]],
    }
