"""Each wait of the release pipeline, replayed SDK-style: a history up to the wait, then what fires next,
then the actions the orchestrator takes."""

from __future__ import annotations

from datetime import timedelta

from azure.durable_functions.models.actions import ActionType

from tests.devhost.durable.replay import START, replay
from tests.unit.durable.pipeline_history import (
    EVALUATE_RUN,
    HANDLER,
    PREDICTIONS,
    after,
    awaiting_approval,
    completed,
    done,
    evaluated,
    fired,
    generating,
    raised,
    request_of,
    scheduled,
    timers,
)

MINUTES = timedelta(minutes=1)


def test_a_score_below_the_threshold_rejects_the_run_without_an_approval_wait():
    state = replay(HANDLER, done(evaluated(0.5), 10, 11, 12))
    tag, publish, card, record = scheduled(state)[-4:]
    assert request_of(tag)["tags"] == {"deployment_status": "rejected", "validation": "rejected"}
    assert request_of(publish)["event"] == "run.eval_rejected"
    assert (request_of(card)["kind"], request_of(card)["facts"]["threshold"]) == ("rejected", 0.7)
    assert (request_of(record)["status"], request_of(record)["decision"]) == ("completed", "rejected")
    assert request_of(record)["message"] == "MLScore 0.500 < threshold 0.7"
    assert "ApprovalDecision" not in [a.name for a in scheduled(state)]


def test_the_gate_rejection_completes_once_its_steps_are_done():
    state = replay(HANDLER, done(evaluated(0.5), 10, 11, 12, 13))
    assert state["isDone"] and state["output"] == {"status": "completed", "decision": "rejected"}


def test_a_score_at_the_threshold_asks_for_approval_and_waits_for_the_reminder_first():
    state = replay(HANDLER, awaiting_approval())
    assert [a.name for a in scheduled(state)][-4:] == [
        "publish_event",
        "send_card",
        "record_status",
        "ApprovalDecision",
    ]
    assert request_of(scheduled(state)[-3])["kind"] == "approval_requested"
    assert timers(state)[-1].fire_at == after(48)
    assert state["customStatus"]["status"] == "awaiting_approval" and not state["isDone"]


def test_the_reminder_timer_sends_one_reminder_card_then_waits_until_the_deadline():
    state = replay(HANDLER, done(fired(awaiting_approval(), 13, after(48)), 14))
    reminder, wait = scheduled(state)[-2:]
    assert (reminder.name, request_of(reminder)["kind"]) == ("send_card", "approval_reminder")
    assert request_of(reminder)["facts"]["deadline"] == after(72).isoformat()
    assert wait.name == "ApprovalDecision" and timers(state)[-1].fire_at == after(72)
    assert not state["isDone"]


def test_without_a_reminder_the_first_timer_is_the_deadline():
    run = EVALUATE_RUN.model_copy(update={"approval_reminder_hours": None})
    assert timers(replay(HANDLER, awaiting_approval(run)))[-1].fire_at == after(72)


def test_the_deadline_expires_the_run_and_tags_the_model_expired():
    builder = done(fired(awaiting_approval(), 13, after(48)), 14)
    state = replay(HANDLER, done(fired(builder, 15, after(72)), 16, 17, 18))
    tag, publish, card, record = scheduled(state)[-4:]
    assert request_of(tag)["tags"] == {"deployment_status": "expired", "validation": "expired"}
    assert request_of(publish)["event"] == "run.expired"
    assert request_of(card)["kind"] == "expired"
    assert (request_of(record)["decision"], request_of(record)["message"]) == ("expired", "no decision within 72 hours")


def test_a_decision_event_cancels_the_timer_and_reads_the_recorded_decision():
    state = replay(HANDLER, raised(awaiting_approval(), "ApprovalDecision", {"decision": "approve", "approver": "a"}))
    assert timers(state)[-1].cancelled
    assert (scheduled(state)[-1].name, request_of(scheduled(state)[-1])) == ("read_decision", {"run_id": "r1"})


def test_an_event_with_no_recorded_decision_decides_nothing_and_the_wait_goes_on():
    builder = raised(awaiting_approval(), "ApprovalDecision", {"decision": "approve", "approver": "mallory"})
    state = replay(HANDLER, completed(builder, 14, None))
    assert scheduled(state)[-1].name == "ApprovalDecision" and timers(state)[-1].fire_at == after(48)
    assert "tag_model" not in [a.name for a in scheduled(state)]


def test_the_job_wait_polls_the_jobs_status_when_the_poll_timer_fires_first():
    state = replay(HANDLER, fired(generating(), 5, START + 15 * MINUTES))
    poll = scheduled(state)[-1]
    assert (poll.kind, poll.name, request_of(poll)) == (
        ActionType.CALL_ACTIVITY_WITH_RETRY,
        "training_status",
        {"job_name": "j1"},
    )


def test_a_running_job_is_polled_again_one_interval_later():
    builder = fired(generating(), 5, START + 15 * MINUTES)
    state = replay(HANDLER, completed(builder, 6, {"job_name": "j1", "state": "running"}))
    assert scheduled(state)[-1].name == "training_status" and timers(state)[-1].fire_at == START + 30 * MINUTES
    assert not timers(state)[-1].cancelled and not state["isDone"]


def test_a_poll_that_finds_the_job_completed_goes_on_as_if_its_lost_event_had_arrived():
    builder = fired(generating(), 5, START + 15 * MINUTES)
    state = replay(HANDLER, completed(builder, 6, {"job_name": "j1", "state": "completed"}))
    plan = scheduled(state)[-1]
    assert (plan.name, request_of(plan)["predictions_uri"]) == ("plan_evaluation", PREDICTIONS)


def test_a_poll_that_finds_the_job_failed_fails_the_run_with_the_backends_reason():
    builder = fired(generating(), 5, START + 15 * MINUTES)
    state = replay(HANDLER, completed(builder, 6, {"job_name": "j1", "state": "failed", "reason": "OOM"}))
    assert state["customStatus"]["message"] == "training job failed: OOM"


def test_a_job_still_running_at_the_timeout_fails_the_run_naming_the_timeout():
    builder = generating()
    for poll, timer_id in enumerate((5, 7, 9), start=1):  # each poll timer, then its status call (id + 1)
        builder = completed(
            fired(builder, timer_id, START + 15 * poll * MINUTES), timer_id + 1, {"job_name": "j1", "state": "running"}
        )
    state = replay(HANDLER, fired(builder, 11, START + 60 * MINUTES))
    reason = "training job did not complete within 60 minutes"
    assert state["customStatus"] == {"status": "failed", "message": reason, "version": ""}
    failed = scheduled(state)[-1]
    assert (failed.name, request_of(failed)["status"]) == ("record_status", "failed")
    assert [a.name for a in scheduled(state)].count("training_status") == 3
