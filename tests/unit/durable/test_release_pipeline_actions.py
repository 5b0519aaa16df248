"""Action-level replay of the real release_pipeline: what it schedules at each step, pinned."""

from __future__ import annotations

import json
from datetime import timedelta

import azure.durable_functions as df
from azure.durable_functions.models.actions import ActionType

from devhost.durable import history
from devhost.durable.actions import Action, flatten
from mlops.payloads import PipelineInput
from orchestrations import release_pipeline

from .replay import START, HistoryBuilder, handlers, replay

app = df.DFApp()
app.register_functions(release_pipeline.bp)
HANDLER = handlers(app)["release_pipeline"]

RUN = PipelineInput(
    run_id="r1", model_id="org/model", dataset="rag_qa", train_uri="blob://datasets/t.jsonl",
    eval_uri="blob://datasets/e.jsonl", experiment_name="exp", task_type="finetune", ml_score_threshold=0.7,
    metric_weights={"exact_match": 1.0}, training_timeout_minutes=60, approval_timeout_hours=72,
)  # fmt: skip


def scheduled(state: dict) -> list[Action]:
    """The activity calls of an episode (a retried call is wrapped in a compound action under schema V3)."""
    return [a for a in flatten(state["actions"]) if a.name is not None]


def _builder() -> HistoryBuilder:
    return HistoryBuilder("release_pipeline", json.dumps(RUN.to_json()))


def test_the_first_episode_records_loading_with_retry_and_sets_the_custom_status():
    state = replay(HANDLER, _builder())
    [action] = scheduled(state)
    assert (action.kind, action.name) == (ActionType.CALL_ACTIVITY_WITH_RETRY, "record_status")
    assert action.retry is not None and action.retry.max_attempts == 3
    assert json.loads(action.input or "")["status"] == "loading"
    assert state["customStatus"]["status"] == "loading" and not state["isDone"]


def test_after_loading_is_recorded_the_base_model_is_loaded():
    builder = _builder().episode(history.task_completed(START, 0, "null"))
    names = [a.name for a in scheduled(replay(HANDLER, builder))]
    assert names == ["record_status", "load_base_model"]


def test_a_load_failure_after_its_retries_ends_the_run_failed_with_the_reason():
    failure = "Activity function 'load_base_model' failed: no such model"
    retry_at = START + timedelta(seconds=2)
    builder = _builder().episode(history.task_completed(START, 0, "null"))
    for attempt_id in (1, 3, 5):  # each failed attempt is followed by a retry timer (id + 1)
        builder.episode(history.task_failed(START, attempt_id, failure, ""))
        builder.episode(history.timer_fired(retry_at, attempt_id + 1, retry_at))
    state = replay(HANDLER, builder)
    assert state["customStatus"] == {"status": "failed", "message": failure}
    failing = [a for a in scheduled(state) if a.name == "record_status"]
    assert json.loads(failing[-1].input or "")["status"] == "failed"
