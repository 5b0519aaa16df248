"""Azure ML job status events, as Event Grid delivers them to Service Bus, mapped to training outcomes.

Event Grid sends one event per message, in the Event Grid schema (``eventType``, ``data``) or the
CloudEvents 1.0 schema (``type``, ``data``); the subscription adds the delivery property
``event_type = azureml.run_status_changed`` that the ``sub-training-events`` SQL filter matches.
Only terminal statuses of jobs tagged with a ``run_id`` map to an outcome; everything else (other
jobs of the workspace, Running/Queued...) is ignored. The outputs are where the job spec writes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlops.events import InvalidEvent
from mlops.payloads import TrainingOutcome

DELIVERY_EVENT_TYPE = "azureml.run_status_changed"
EVENT_TYPES = frozenset(
    {"Microsoft.MachineLearningServices.RunStatusChanged", "Microsoft.MachineLearningServices.RunCompleted"}
)
RUNS_PREFIX = "blob://model-outputs/runs"
_SUCCEEDED = {"Completed"}
_FAILED = {"Failed", "Canceled"}


@dataclass(frozen=True)
class JobCompletion:
    run_id: str
    job_run_id: str
    status: str
    outcome: TrainingOutcome
    mode: str = "finetune"  # the job's ``mode`` tag: stage, finetune, generate or score


def is_azureml_event(body: bytes | str) -> bool:
    """Whether ``body`` is an Azure ML event in the Event Grid or CloudEvents schema."""
    data = _load(body)
    return isinstance(data, dict) and (data.get("eventType") or data.get("type")) in EVENT_TYPES


def parse_completion(body: bytes | str) -> JobCompletion | None:
    """The outcome for a terminal status of one of our jobs, or None for an event to ignore."""
    event = _load(body)
    if not isinstance(event, dict) or (event.get("eventType") or event.get("type")) not in EVENT_TYPES:
        raise InvalidEvent("not an Azure ML run event (Event Grid or CloudEvents schema)")
    data = event.get("data")
    if not isinstance(data, dict):
        raise InvalidEvent("Azure ML event without a data object")
    tags = data.get("runTags") or {}
    run_id = tags.get("run_id") if isinstance(tags, Mapping) else None
    kind = str(event.get("eventType") or event.get("type"))
    # RunCompleted is raised for completed runs only; trust runStatus when it is there.
    status = str(data.get("runStatus") or ("Completed" if kind.endswith("RunCompleted") else ""))
    if not isinstance(run_id, str) or not run_id or status not in _SUCCEEDED | _FAILED:
        return None
    job = str(data.get("runId") or "")
    reason = f"Azure ML job {job} {status} (experiment {data.get('experimentName')})" if status in _FAILED else None
    mode = str(tags.get("mode") or "finetune")
    return JobCompletion(run_id, job, status, job_outcome(run_id, mode, reason), mode)


def job_outcome(run_id: str, mode: str, reason: str | None) -> TrainingOutcome:
    """The outcome of a job that ended (``reason`` None: succeeded), its outputs where the job spec puts them."""
    if reason is not None:
        return TrainingOutcome(succeeded=False, reason=reason)
    if mode not in ("finetune", "generate"):  # staging and scoring write where the orchestrator told them
        return TrainingOutcome(succeeded=True)
    out = f"{RUNS_PREFIX}/{run_id}"
    return TrainingOutcome(
        succeeded=True,
        model_uri=f"{out}/finetuned" if mode == "finetune" else None,
        predictions_uri=f"{out}/predictions.jsonl",
    )


def _load(body: bytes | str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEvent(f"body is not JSON: {exc}") from exc
