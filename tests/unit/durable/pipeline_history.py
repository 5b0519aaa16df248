"""The real release_pipeline under the SDK's handler, and histories of a run up to each of its waits.

Sequence ids (each activity call and timer takes the next one; an event wait takes none) are noted where a
history completes a task by id, as the Durable extension does.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.actions import ActionType

from devhost.durable import history
from devhost.durable.actions import Action, flatten
from mlops.payloads import EvaluationOutcome, ModelRef, PipelineInput
from orchestrations import release_pipeline
from tests.devhost.durable.replay import START, HistoryBuilder, handlers

app = df.DFApp()
app.register_functions(release_pipeline.bp)
HANDLER = handlers(app)["release_pipeline"]

RUN = PipelineInput(
    run_id="r1", model_id="org/model", dataset="rag_qa", train_uri="blob://datasets/t.jsonl",
    eval_uri="blob://datasets/e.jsonl", experiment_name="exp", task_type="finetune", ml_score_threshold=0.7,
    metric_weights={"exact_match": 1.0}, training_timeout_minutes=60, approval_timeout_hours=72,
)  # fmt: skip
EVALUATE_RUN = RUN.model_copy(update={"task_type": "evaluate", "approval_reminder_hours": 48})
STAGED = {"name": "model", "uri": "blob://model-outputs/base/model-1234abcd"}
BASE = ModelRef(name="model", version="1", uri="blob://model-outputs/base/model")
PREDICTIONS = "blob://model-outputs/runs/r1/predictions.jsonl"
PLAN = {"batches": [{"start": 0, "stop": 2}, {"start": 2, "stop": 4}, {"start": 4, "stop": 5}], "judge_metrics": []}


def scheduled(state: dict[str, Any]) -> list[Action]:
    """The activity calls and event waits of an episode (a retried call is a compound action under schema V3)."""
    return [a for a in flatten(state["actions"]) if a.name is not None]


def timers(state: dict[str, Any]) -> list[Action]:
    """The timers the orchestrator created, in order."""
    return [a for a in flatten(state["actions"]) if a.kind == ActionType.CREATE_TIMER]


def request_of(action: Action) -> dict[str, Any]:
    """The JSON payload an activity was called with."""
    payload: dict[str, Any] = json.loads(action.input or "")
    return payload


def completed(builder: HistoryBuilder, task_id: int, result: Any) -> HistoryBuilder:
    """The next episode, delivering the activity ``task_id``'s result."""
    return builder.episode(history.task_completed(builder.now, task_id, json.dumps(result)))


def done(builder: HistoryBuilder, *task_ids: int) -> HistoryBuilder:
    """The next episodes, completing each of ``task_ids`` in turn (activities that return nothing)."""
    for task_id in task_ids:
        builder = completed(builder, task_id, None)
    return builder


def fired(builder: HistoryBuilder, timer_id: int, at: datetime) -> HistoryBuilder:
    """The next episode, at ``at``, delivering the timer ``timer_id`` (created to fire then)."""
    return builder.episode(history.timer_fired(at, timer_id, at), after=at - builder.now)


def raised(builder: HistoryBuilder, name: str, data: Any) -> HistoryBuilder:
    """The next episode, delivering the external event ``name``."""
    return builder.episode(history.event_raised(builder.now, name, json.dumps(data)))


def started(run: PipelineInput = RUN) -> HistoryBuilder:
    return HistoryBuilder("release_pipeline", json.dumps(run.to_json()))


def generating(run: PipelineInput = EVALUATE_RUN) -> HistoryBuilder:
    """An evaluate-type run waiting for its answer-generation job: loading (0), staged already (1), registered
    (2), evaluating (3), job submitted (4); 5 is the job's first status-poll timer."""
    builder = started(run)
    for task_id, result in enumerate((None, STAGED, BASE.to_json(), None, {"job_name": "j1"})):
        builder = completed(builder, task_id, result)
    return builder


def generated(run: PipelineInput = EVALUATE_RUN) -> HistoryBuilder:
    """The answer-generation job reported its predictions."""
    return raised(generating(run), "TrainingCompleted", {"succeeded": True, "predictions_uri": PREDICTIONS})


def evaluated(ml_score: float, run: PipelineInput = EVALUATE_RUN) -> HistoryBuilder:
    """Planned (6), scoring job submitted (7; 8 is its poll timer) and done, merged (9) with ``ml_score``."""
    builder = completed(completed(generated(run), 6, PLAN), 7, {"job_name": "local-score-r1"})
    builder = raised(builder, "ScoringCompleted", {"succeeded": True})
    outcome = EvaluationOutcome(
        ml_score=ml_score, passed=ml_score >= run.ml_score_threshold, metrics={"exact_match": ml_score}, weights={}
    )
    return completed(builder, 9, outcome.to_json())


def awaiting_approval(run: PipelineInput = EVALUATE_RUN) -> HistoryBuilder:
    """Passed the gate: eval_passed published (10), approval card sent (11), awaiting_approval recorded (12);
    13 is the first approval timer (the reminder's, when the run has one)."""
    return done(evaluated(0.9, run), 10, 11, 12)


def after(hours: float) -> datetime:
    return START + timedelta(hours=hours)
