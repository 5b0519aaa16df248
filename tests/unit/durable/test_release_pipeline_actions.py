"""Action-level replay of the real release_pipeline: what it schedules at each step, pinned."""

from __future__ import annotations

import json
from datetime import timedelta

import azure.durable_functions as df
from azure.durable_functions.models.actions import ActionType

from devhost.durable import history
from devhost.durable.actions import Action, flatten
from mlops.payloads import ModelRef, PermanentFailure, PipelineInput
from orchestrations import release_pipeline
from tests.devhost.durable.replay import START, HistoryBuilder, handlers, replay

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
    assert state["customStatus"] == {"status": "failed", "message": failure, "version": ""}
    failing = [a for a in scheduled(state) if a.name == "record_status"]
    assert json.loads(failing[-1].input or "")["status"] == "failed"


PREDICTIONS = "blob://model-outputs/runs/r1/predictions.jsonl"
BASE = ModelRef(name="model", version="1", uri="blob://model-outputs/base/model")


def _at_evaluation() -> HistoryBuilder:
    """An evaluate-type run up to its generated answers: loading, load, evaluating, submit, job done."""
    run = RUN.model_copy(update={"task_type": "evaluate"})
    builder = HistoryBuilder("release_pipeline", json.dumps(run.to_json()))
    for task_id, result in enumerate(("null", json.dumps(BASE.to_json()), "null", json.dumps({"job_name": "j1"}))):
        builder.episode(history.task_completed(START, task_id, result))
    done = {"succeeded": True, "predictions_uri": PREDICTIONS}  # ids: 4 is the status-poll timer
    return builder.episode(history.event_raised(START, "TrainingCompleted", json.dumps(done)))


def test_evaluation_plans_then_fans_out_one_retried_call_per_batch_and_fans_in_in_row_order():
    builder = _at_evaluation()
    names = [a.name for a in scheduled(replay(HANDLER, builder))]
    assert names[-2:] == ["TrainingCompleted", "plan_evaluation"]

    plan = {"batches": [{"start": 0, "stop": 2}, {"start": 2, "stop": 4}, {"start": 4, "stop": 5}], "judge_metrics": []}
    state = replay(HANDLER, builder.episode(history.task_completed(START, 5, json.dumps(plan))))
    fan_out = state["actions"][0][-1]  # one WhenAll over the batches (each retried call is a WhenAll of its own)
    assert fan_out["actionType"] == ActionType.WHEN_ALL and len(fan_out["compoundActions"]) == 3
    batches = flatten([fan_out["compoundActions"]])
    assert {(a.kind, a.name, a.retry.max_attempts if a.retry else 0) for a in batches} == {
        (ActionType.CALL_ACTIVITY_WITH_RETRY, "score_evaluation_batch", 3)
    }
    assert [json.loads(a.input or "")["rows"] for a in batches] == plan["batches"]

    def scores(task_id: int) -> str:
        rows = plan["batches"][task_id - 6]  # the batches took ids 6, 7, 8
        return json.dumps({"uri": f"blob://model-outputs/runs/r1/b{rows['start']}.json", "rows": rows, "nan_scores": 0})

    builder.episode(*(history.task_completed(START, i, scores(i)) for i in (8, 6)))
    assert "evaluate_model" not in [a.name for a in scheduled(replay(HANDLER, builder))]  # 7 is still scoring
    state = replay(HANDLER, builder.episode(history.task_completed(START, 7, scores(7))))
    fan_in = scheduled(state)[-1]
    assert fan_in.name == "evaluate_model"
    request = json.loads(fan_in.input or "")
    assert [b["rows"] for b in request["batches"]] == plan["batches"]
    assert [b["uri"].rsplit("/", 1)[1] for b in request["batches"]] == ["b0.json", "b2.json", "b4.json"]
    assert request["predictions_uri"] == PREDICTIONS


def test_a_batch_failing_after_its_retries_fails_the_run_with_its_reason():
    plan = {"batches": [{"start": 0, "stop": 2}, {"start": 2, "stop": 3}], "judge_metrics": []}
    builder = _at_evaluation().episode(history.task_completed(START, 5, json.dumps(plan)))
    done = {"uri": "blob://model-outputs/runs/r1/b0.json", "rows": plan["batches"][0], "nan_scores": 0}
    builder.episode(history.task_completed(START, 6, json.dumps(done)))
    failure = "Activity function 'score_evaluation_batch' failed: judge unreachable"
    retry_at = START + timedelta(seconds=2)
    for attempt_id in (7, 9, 11):  # the second batch fails each attempt; a retry timer (id + 1) follows each
        builder.episode(history.task_failed(START, attempt_id, failure, ""))
        builder.episode(history.timer_fired(retry_at, attempt_id + 1, retry_at))
    state = replay(HANDLER, builder)
    assert state["customStatus"] == {"status": "failed", "message": failure, "version": ""}
    assert "evaluate_model" not in [a.name for a in scheduled(state)]


def test_a_permanent_failure_fails_the_run_at_once_with_its_reason_and_no_retry():
    reason = "exact_match (50% NaN) exceeds the NaN policy"
    builder = _at_evaluation().episode(
        history.task_completed(START, 5, json.dumps(PermanentFailure(permanent_failure=reason).to_json()))
    )
    state = replay(HANDLER, builder)
    assert state["customStatus"] == {"status": "failed", "message": reason}
    assert [a.name for a in scheduled(state)].count("plan_evaluation") == 1
    assert json.loads(scheduled(state)[-1].input or "")["status"] == "failed"
