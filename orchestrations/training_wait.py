"""Waiting for a job (staging, training/generation, scoring): its completion event raced against a timeout,
with a bounded status poll."""

from __future__ import annotations

from datetime import timedelta

import azure.durable_functions as df

from activities import SUBMIT_TRAINING, TRAINING_STATUS
from mlops.payloads import (
    JobKind,
    JobMode,
    PipelineInput,
    TrainingOutcome,
    TrainingRequest,
    TrainingSubmitted,
    event_payload,
)
from mlops.training.azureml_events import job_outcome
from mlops.training.backends import JobStatus
from orchestrations.steps import StageFailed, Steps, call_as

TRAINING_COMPLETED = "TrainingCompleted"
STAGING_COMPLETED = "StagingCompleted"
SCORING_COMPLETED = "ScoringCompleted"
# One orchestration event per job kind: a late or duplicated completion of one job is never taken for another's.
COMPLETION_EVENTS: dict[JobKind, str] = {
    "stage": STAGING_COMPLETED,
    "finetune": TRAINING_COMPLETED,
    "generate": TRAINING_COMPLETED,
    "score": SCORING_COMPLETED,
}
MAX_STATUS_POLLS = 24


def run_job(context: df.DurableOrchestrationContext, run: PipelineInput, mode: JobMode, base_uri: str) -> Steps:
    """Submit the job, then wait for its completion event, polling its status as a fallback until the timeout."""
    request = TrainingRequest(
        run_id=run.run_id,
        mode=mode,
        base_model_uri=base_uri,
        train_uri=run.train_uri,
        eval_uri=run.eval_uri,
        experiment_name=run.experiment_name,
        max_steps=run.training_max_steps,
        model_id=run.model_id,
    )
    submitted = yield from call_as(context, SUBMIT_TRAINING, request, TrainingSubmitted)
    outcome = yield from await_job(context, run, mode, submitted)
    if not outcome.predictions_uri or (mode == "finetune" and not outcome.model_uri):
        raise StageFailed("training job reported success without its outputs")
    return outcome


JOB_LABELS: dict[JobKind, str] = {
    "stage": "staging",
    "finetune": "training",
    "generate": "training",
    "score": "scoring",
}


def await_job(
    context: df.DurableOrchestrationContext, run: PipelineInput, kind: JobKind, job: TrainingSubmitted
) -> Steps:
    """The job's TrainingOutcome once it succeeded; StageFailed when it failed or did not end in time."""
    outcome: TrainingOutcome = yield from _await_completion(context, run, kind, job)
    if not outcome.succeeded:
        raise StageFailed(f"{JOB_LABELS[kind]} job failed: {outcome.reason or 'no reason given'}")
    return outcome


def _await_completion(
    context: df.DurableOrchestrationContext, run: PipelineInput, kind: JobKind, job: TrainingSubmitted
) -> Steps:
    # Bounded: at most MAX_STATUS_POLLS timer+activity pairs per job, so the history stays small.
    deadline = context.current_utc_datetime + timedelta(minutes=run.training_timeout_minutes)
    interval = poll_interval(run.training_timeout_minutes, run.training_poll_minutes)
    completed = context.wait_for_external_event(COMPLETION_EVENTS[kind])
    while True:
        tick = context.create_timer(min(context.current_utc_datetime + interval, deadline))
        winner = yield context.task_any([completed, tick])
        if winner == completed:
            tick.cancel()
            return TrainingOutcome.model_validate(event_payload(completed.result))
        if context.current_utc_datetime >= deadline:
            raise StageFailed(f"{JOB_LABELS[kind]} job did not complete within {run.training_timeout_minutes} minutes")
        status = yield from call_as(context, TRAINING_STATUS, job, JobStatus)
        if status.state in ("completed", "failed"):  # the completion event was lost
            return job_outcome(run.run_id, kind, (status.reason or "job failed") if status.state == "failed" else None)


def poll_interval(timeout_minutes: int, poll_minutes: int) -> timedelta:
    """The status poll period: ``poll_minutes``, stretched so a timeout holds at most MAX_STATUS_POLLS polls."""
    return timedelta(minutes=max(poll_minutes, -(-timeout_minutes // MAX_STATUS_POLLS)))
