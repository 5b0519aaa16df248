"""The management status payload and its history view."""

from __future__ import annotations

import json

from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from devhost.durable import history
from devhost.durable.records import InstanceRow, Ledger
from devhost.durable.status import from_row, history_view

from .replay import START

EVENTS = [
    history.orchestrator_started(START),
    history.execution_started(START, "pipeline", '{"run": 1}'),
    history.task_scheduled(START, 0, "train", '"x"'),
    history.orchestrator_completed(START),
    history.orchestrator_started(START),
    history.task_completed(START, 0, '{"loss": 0.5}'),
    history.execution_completed(START, "Completed", '"done"'),
]
ROW = InstanceRow(
    "run-1", "pipeline", "e", "Completed", '{"run": 1}', '"done"', '{"stage": "end"}', START, START, Ledger()
)


def test_management_json_has_the_extension_fields() -> None:
    body = from_row(ROW, None, show_input=True).to_management_json()
    assert body == {
        "name": "pipeline",
        "instanceId": "run-1",
        "runtimeStatus": "Completed",
        "input": {"run": 1},
        "customStatus": {"stage": "end"},
        "output": "done",
        "createdTime": "2024-01-01T09:00:00Z",
        "lastUpdatedTime": "2024-01-01T09:00:00Z",
    }
    parsed = DurableOrchestrationStatus.from_json(json.loads(json.dumps(body)))
    assert parsed.runtime_status.value == "Completed" and parsed.custom_status == {"stage": "end"}
    assert bool(parsed) is True


def test_show_input_false_hides_the_input() -> None:
    assert from_row(ROW, None, show_input=False).input is None


def test_history_view_names_events_and_merges_scheduling_into_completion() -> None:
    view = history_view(EVENTS)
    assert [e["EventType"] for e in view] == ["ExecutionStarted", "TaskCompleted", "ExecutionCompleted"]
    assert view[0]["FunctionName"] == "pipeline"
    assert {k: view[1][k] for k in ("FunctionName", "Result", "ScheduledTime")} == {
        "FunctionName": "train",
        "Result": {"loss": 0.5},
        "ScheduledTime": history.fmt(START),
    }
    assert from_row(ROW, EVENTS, show_input=True).to_management_json()["historyEvents"] == view
