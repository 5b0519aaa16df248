"""Azure ML job status events from Event Grid (EventGrid and CloudEvents schemas) -> TrainingCompleted."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from devhost.servicebus.config import load_topology
from devhost.servicebus.filters import MessageView
from mlops.events import InvalidEvent
from mlops.training.azureml_events import DELIVERY_EVENT_TYPE, is_azureml_event, parse_completion

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = json.loads((ROOT / "tests/fixtures/azureml/run_status_changed.eventgrid.json").read_text())


def event(status: str | None = "Completed", **data: Any) -> str:
    body = copy.deepcopy(SAMPLE)
    body["data"]["runStatus"] = status
    body["data"].update(data)
    return json.dumps(body)


def as_cloud_event(body: str) -> str:
    grid = json.loads(body)
    fields = {"type": "eventType", "source": "topic", "id": "id", "subject": "subject", "time": "eventTime"}
    return json.dumps({"specversion": "1.0", "data": grid["data"], **{k: grid[v] for k, v in fields.items()}})


def test_completed_maps_to_a_successful_outcome_with_the_job_outputs() -> None:
    completion = parse_completion(event("Completed"))
    assert completion is not None and completion.run_id == "run-42"
    assert completion.outcome.succeeded
    assert completion.outcome.model_uri == "blob://model-outputs/runs/run-42/finetuned"
    assert completion.outcome.predictions_uri == "blob://model-outputs/runs/run-42/predictions.jsonl"


@pytest.mark.parametrize("mode", ["stage", "score"])
def test_a_staging_or_scoring_job_completion_carries_its_mode(mode: str) -> None:
    completion = parse_completion(event("Completed", runTags={"run_id": "run-42", "mode": mode}))
    assert completion is not None and completion.mode == mode
    assert completion.outcome.succeeded and completion.outcome.model_uri is None


@pytest.mark.parametrize("status", ["Failed", "Canceled"])
def test_failed_and_canceled_map_to_a_failure_with_the_reason(status: str) -> None:
    completion = parse_completion(as_cloud_event(event(status)))
    assert completion is not None and not completion.outcome.succeeded
    assert completion.outcome.reason == f"Azure ML job mlops-finetune-run-42 {status} (experiment mlops-training)"


@pytest.mark.parametrize("body", [event("Running"), event("Queued"), event(runTags={"owner": "someone-else"})])
def test_non_terminal_or_foreign_jobs_are_ignored(body: str) -> None:
    assert parse_completion(body) is None


def test_run_completed_without_status_counts_as_completed() -> None:
    body = json.loads(event(None))
    body["eventType"] = "Microsoft.MachineLearningServices.RunCompleted"
    completion = parse_completion(json.dumps(body))
    assert completion is not None and completion.outcome.succeeded


def test_lifecycle_messages_are_not_azureml_events() -> None:
    assert is_azureml_event(event()) and is_azureml_event(as_cloud_event(event()))
    assert not is_azureml_event(json.dumps({"event": "run.training_done", "run_id": "r"}))
    with pytest.raises(InvalidEvent):
        parse_completion(json.dumps({"event": "run.training_done"}))


def test_the_delivery_property_routes_to_sub_training_events_only() -> None:
    topic = load_topology(ROOT / "infra/servicebus/Config.json").topic("mlops-events")
    assert topic is not None
    view = MessageView(application={"event_type": DELIVERY_EVENT_TYPE})
    routed = {s.name for s in topic.subscriptions if any(r.filter.matches(view) for r in s.rules)}
    assert routed == {"sub-training-events"}
