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
    assert action.retry is not None and action.retry.max_attempts == 6
    assert json.loads(action.input or "")["status"] == "loading"
    assert state["customStatus"]["status"] == "loading" and not state["isDone"]


def test_after_loading_is_recorded_the_base_model_is_staged():
    builder = _builder().episode(history.task_completed(START, 0, "null"))
    names = [a.name for a in scheduled(replay(HANDLER, builder))]
    assert names == ["record_status", "stage_base_model"]


def test_a_staging_failure_after_its_retries_ends_the_run_failed_with_the_reason():
    failure = "Activity function 'stage_base_model' failed: no such model"
    retry_at = START + timedelta(seconds=4)
    builder = _builder().episode(history.task_completed(START, 0, "null"))
    for attempt_id in (1, 3, 5, 7, 9, 11):  # each failed attempt is followed by a retry timer (id + 1)
        builder.episode(history.task_failed(START, attempt_id, failure, ""))
        builder.episode(history.timer_fired(retry_at, attempt_id + 1, retry_at))
    state = replay(HANDLER, builder)
    assert state["customStatus"] == {"status": "failed", "message": failure, "version": ""}
    failing = [a for a in scheduled(state) if a.name == "record_status"]
    assert json.loads(failing[-1].input or "")["status"] == "failed"


def test_a_model_id_that_cannot_be_staged_fails_the_run_at_once_with_its_reason():
    reason = "cannot fetch base model 'blob://model-outputs/x': no config.json under that blob path"
    builder = _builder().episode(history.task_completed(START, 0, "null"))
    refused = json.dumps(PermanentFailure(permanent_failure=reason).to_json())
    state = replay(HANDLER, builder.episode(history.task_completed(START, 1, refused)))
    assert state["customStatus"] == {"status": "failed", "message": reason, "version": ""}
    assert [a.name for a in scheduled(state)].count("stage_base_model") == 1


STAGED = {"name": "model", "uri": "blob://model-outputs/base/model-1234abcd"}


def _staging_job() -> HistoryBuilder:
    """Loading recorded, then stage_base_model submitted a staging job (ids: 2 is the status-poll timer)."""
    builder = _builder().episode(history.task_completed(START, 0, "null"))
    return builder.episode(history.task_completed(START, 1, json.dumps({**STAGED, "job_name": "local-stage-r1"})))


def test_a_submitted_staging_job_is_awaited_before_the_model_is_registered():
    state = replay(HANDLER, _staging_job())
    assert "register_model" not in [a.name for a in scheduled(state)]
    assert state["customStatus"]["status"] == "loading" and not state["isDone"]


def test_the_staged_model_is_registered_once_its_job_completes():
    builder = _staging_job().episode(history.event_raised(START, "StagingCompleted", json.dumps({"succeeded": True})))
    register = scheduled(replay(HANDLER, builder))[-1]
    assert register.name == "register_model"
    request = json.loads(register.input or "")
    assert (request["name"], request["source_uri"], request["tags"]["lifecycle"]) == ("model", STAGED["uri"], "new")


def test_a_failed_staging_job_fails_the_run_with_its_reason():
    failed = {"succeeded": False, "reason": "error: cannot fetch base model 'org/model': gated"}
    builder = _staging_job().episode(history.event_raised(START, "StagingCompleted", json.dumps(failed)))
    state = replay(HANDLER, builder)
    assert state["customStatus"]["message"] == f"staging job failed: {failed['reason']}"


def test_a_training_completion_is_not_taken_for_the_staging_jobs():
    builder = _staging_job().episode(history.event_raised(START, "TrainingCompleted", json.dumps({"succeeded": True})))
    assert "register_model" not in [a.name for a in scheduled(replay(HANDLER, builder))]


PREDICTIONS = "blob://model-outputs/runs/r1/predictions.jsonl"
BASE = ModelRef(name="model", version="1", uri="blob://model-outputs/base/model")


def _at_evaluation() -> HistoryBuilder:
    """An evaluate-type run up to its generated answers: loading, staged already, registered, evaluating,
    submit, job done."""
    run = RUN.model_copy(update={"task_type": "evaluate"})
    builder = HistoryBuilder("release_pipeline", json.dumps(run.to_json()))
    results = ("null", json.dumps(STAGED), json.dumps(BASE.to_json()), "null", json.dumps({"job_name": "j1"}))
    for task_id, result in enumerate(results):
        builder.episode(history.task_completed(START, task_id, result))
    done = {"succeeded": True, "predictions_uri": PREDICTIONS}  # ids: 5 is the status-poll timer
    return builder.episode(history.event_raised(START, "TrainingCompleted", json.dumps(done)))


PLAN = {"batches": [{"start": 0, "stop": 2}, {"start": 2, "stop": 4}, {"start": 4, "stop": 5}], "judge_metrics": []}


def _scoring() -> HistoryBuilder:
    """Evaluation planned (id 6) and the scoring job submitted (id 7; 8 is its status-poll timer)."""
    builder = _at_evaluation().episode(history.task_completed(START, 6, json.dumps(PLAN)))
    return builder.episode(history.task_completed(START, 7, json.dumps({"job_name": "local-score-r1"})))


def test_evaluation_plans_then_submits_one_scoring_job_for_every_batch():
    builder = _at_evaluation()
    assert [a.name for a in scheduled(replay(HANDLER, builder))][-2:] == ["TrainingCompleted", "plan_evaluation"]
    submit = scheduled(replay(HANDLER, builder.episode(history.task_completed(START, 6, json.dumps(PLAN)))))[-1]
    assert (submit.kind, submit.name) == (ActionType.CALL_ACTIVITY_WITH_RETRY, "submit_scoring")
    request = json.loads(submit.input or "")
    assert (request["batches"], request["predictions_uri"]) == (PLAN["batches"], PREDICTIONS)


def test_the_fan_in_waits_for_the_scoring_job_then_merges_the_batches_in_row_order():
    assert "evaluate_model" not in [a.name for a in scheduled(replay(HANDLER, _scoring()))]
    builder = _scoring().episode(history.event_raised(START, "ScoringCompleted", json.dumps({"succeeded": True})))
    fan_in = scheduled(replay(HANDLER, builder))[-1]
    assert fan_in.name == "evaluate_model"
    request = json.loads(fan_in.input or "")
    assert [b["rows"] for b in request["batches"]] == PLAN["batches"]
    assert [b["uri"].rsplit("/", 2)[1:] for b in request["batches"]] == [
        ["evaluation-batches", "000000-000002.json"],
        ["evaluation-batches", "000002-000004.json"],
        ["evaluation-batches", "000004-000005.json"],
    ]
    assert request["predictions_uri"] == PREDICTIONS


def test_a_failed_scoring_job_fails_the_run_with_its_reason_and_no_fan_in():
    failed = {"succeeded": False, "reason": "error: judge unreachable"}
    state = replay(HANDLER, _scoring().episode(history.event_raised(START, "ScoringCompleted", json.dumps(failed))))
    assert state["customStatus"] == {
        "status": "failed",
        "message": "scoring job failed: error: judge unreachable",
        "version": "",
    }
    assert "evaluate_model" not in [a.name for a in scheduled(state)]


def test_a_permanent_failure_fails_the_run_at_once_with_its_reason_and_no_retry():
    reason = "exact_match (50% NaN) exceeds the NaN policy"
    builder = _at_evaluation().episode(
        history.task_completed(START, 6, json.dumps(PermanentFailure(permanent_failure=reason).to_json()))
    )
    state = replay(HANDLER, builder)
    assert state["customStatus"] == {"status": "failed", "message": reason, "version": ""}
    assert [a.name for a in scheduled(state)].count("plan_evaluation") == 1
    assert json.loads(scheduled(state)[-1].input or "")["status"] == "failed"
