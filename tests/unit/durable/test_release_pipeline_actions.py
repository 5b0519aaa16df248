"""Action-level replay of the real release_pipeline: what it schedules at each step, pinned."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from azure.durable_functions.models.actions import ActionType

from devhost.durable import history
from mlops.payloads import PermanentFailure
from tests.devhost.durable.replay import START, HistoryBuilder, replay
from tests.unit.durable.pipeline_history import (
    HANDLER,
    PLAN,
    PREDICTIONS,
    RUN,
    STAGED,
    generated,
    scheduled,
    started,
)


def test_the_first_episode_records_loading_with_retry_and_sets_the_custom_status():
    state = replay(HANDLER, started())
    [action] = scheduled(state)
    assert (action.kind, action.name) == (ActionType.CALL_ACTIVITY_WITH_RETRY, "record_status")
    assert action.retry is not None and action.retry.max_attempts == 6
    assert json.loads(action.input or "")["status"] == "loading"
    assert state["customStatus"]["status"] == "loading" and not state["isDone"]


def test_after_loading_is_recorded_the_base_model_is_staged():
    builder = started().episode(history.task_completed(START, 0, "null"))
    names = [a.name for a in scheduled(replay(HANDLER, builder))]
    assert names == ["record_status", "stage_base_model"]


def test_a_staging_failure_after_its_retries_ends_the_run_failed_with_the_reason():
    failure = "Activity function 'stage_base_model' failed: no such model"
    retry_at = START + timedelta(seconds=4)
    builder = started().episode(history.task_completed(START, 0, "null"))
    for attempt_id in (1, 3, 5, 7, 9, 11):  # each failed attempt is followed by a retry timer (id + 1)
        builder.episode(history.task_failed(START, attempt_id, failure, ""))
        builder.episode(history.timer_fired(retry_at, attempt_id + 1, retry_at))
    state = replay(HANDLER, builder)
    assert state["customStatus"] == {"status": "failed", "message": failure, "version": ""}
    failing = [a for a in scheduled(state) if a.name == "record_status"]
    assert json.loads(failing[-1].input or "")["status"] == "failed"


def test_a_model_id_that_cannot_be_staged_fails_the_run_at_once_with_its_reason():
    reason = "cannot fetch base model 'blob://model-outputs/x': no config.json under that blob path"
    builder = started().episode(history.task_completed(START, 0, "null"))
    refused = json.dumps(PermanentFailure(permanent_failure=reason).to_json())
    state = replay(HANDLER, builder.episode(history.task_completed(START, 1, refused)))
    assert state["customStatus"] == {"status": "failed", "message": reason, "version": ""}
    assert [a.name for a in scheduled(state)].count("stage_base_model") == 1


def _staging_job() -> HistoryBuilder:
    """Loading recorded, then stage_base_model submitted a staging job (ids: 2 is the status-poll timer)."""
    builder = started().episode(history.task_completed(START, 0, "null"))
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


def _at_evaluation() -> HistoryBuilder:
    """An evaluate-type run up to its generated answers (ids: 5 was the status-poll timer)."""
    return generated(RUN.model_copy(update={"task_type": "evaluate"}))


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


def test_a_failure_that_cannot_be_recorded_is_logged_and_the_failed_event_still_goes_out(caplog):
    reason = "cannot fetch base model 'blob://model-outputs/x': no config.json under that blob path"
    refused = json.dumps(PermanentFailure(permanent_failure=reason).to_json())
    builder = started().episode(history.task_completed(START, 0, "null"))
    builder.episode(history.task_completed(START, 1, refused))
    retry_at = START + timedelta(seconds=4)
    for attempt_id in (2, 4, 6, 8, 10, 12):  # record_status('failed') fails every attempt (retry timer: id + 1)
        builder.episode(history.task_failed(START, attempt_id, "database down", ""))
        builder.episode(history.timer_fired(retry_at, attempt_id + 1, retry_at))
    with caplog.at_level(logging.ERROR, logger="orchestrations.release_pipeline"):
        state = replay(HANDLER, builder)
    assert scheduled(state)[-1].name == "publish_event"
    assert [r.getMessage() for r in caplog.records] == [
        f"run r1 failed ({reason}) and record_status could not record it: database down"
    ]
