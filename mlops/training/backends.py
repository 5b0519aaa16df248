"""The jobs port: submit a job (training/generation, model staging, scoring), ask for its status; the local
runners and Azure ML implement it.

Which one runs is configuration (TRAINING_BACKEND), chosen in the composition root. Completion is
normally an event (the runner's ``run.training_*`` or Azure ML's Event Grid status event); ``status``
is the orchestrator's fallback when that event is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from mlops.payloads import Payload, ScoringRequest, StagingPlan, TrainingRequest
from mlops.training.launch import launch_detached, launch_local_training, scoring_command, staging_command

JobState = Literal["running", "completed", "failed", "unknown"]


class JobStatus(Payload):
    """A job's state as the backend reports it; ``reason`` is set for ``failed``."""

    job_name: str
    state: JobState
    reason: str | None = None


class TrainingBackend(Protocol):
    """Every job the pipeline runs outside the Function App."""

    def submit(self, request: TrainingRequest) -> str:
        """Start the job for ``request`` (idempotent per run and mode) and return its name."""
        ...

    def stage(self, run_id: str, model_id: str, plan: StagingPlan) -> str:
        """Start the job that copies ``model_id`` to ``plan.uri`` (idempotent per run) and return its name."""
        ...

    def score(self, request: ScoringRequest) -> str:
        """Start the job that scores the predictions' batches (idempotent per run) and return its name."""
        ...

    def status(self, job_name: str) -> JobStatus:
        """The job's current state."""
        ...


class LocalTrainingBackend:
    """The detached local runner; it always publishes its outcome, so its status is never polled out."""

    def __init__(self, model_cache_dir: Path) -> None:
        self._model_cache_dir = model_cache_dir

    def submit(self, request: TrainingRequest) -> str:
        return launch_local_training(request, model_cache_dir=self._model_cache_dir)

    def stage(self, run_id: str, model_id: str, plan: StagingPlan) -> str:
        command = staging_command(run_id, model_id, plan)
        return launch_detached(f"local-stage-{run_id}", run_id, command, model_cache_dir=self._model_cache_dir)

    def score(self, request: ScoringRequest) -> str:
        name = f"local-score-{request.run_id}"
        return launch_detached(name, request.run_id, scoring_command(request), model_cache_dir=self._model_cache_dir)

    def status(self, job_name: str) -> JobStatus:
        # A local process has no status service; its runner retries the completion event for 10 minutes.
        return JobStatus(job_name=job_name, state="unknown")
