"""The jobs port: submit a job (training/generation, model staging, scoring), ask for its status; the local
runners and Azure ML implement it.

Which one runs is configuration (TRAINING_BACKEND), chosen in the composition root. Completion is
normally an event (the runner's ``run.training_*`` or Azure ML's Event Grid status event); ``status``
is the orchestrator's fallback when that event is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from mlops.node_queue import QueuePlace, place_of
from mlops.payloads import Payload, ScoringRequest, StagingPlan, TrainingRequest
from mlops.settings import JOB_MAX_NODES
from mlops.training.launch import (
    jobs_dir,
    launch_detached,
    launch_local_training,
    scoring_command,
    staging_command,
)

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

    def queued(self, run_id: str) -> QueuePlace | None:
        """Where the run's job waits for a node, None when none of its jobs waits."""
        ...


class LocalTrainingBackend:
    """The detached local runner; it always publishes its outcome, so its status is never polled out."""

    def __init__(self, model_cache_dir: Path, nodes: int = JOB_MAX_NODES.default) -> None:
        self._model_cache_dir = model_cache_dir
        self._nodes = nodes

    def submit(self, request: TrainingRequest) -> str:
        return launch_local_training(request, model_cache_dir=self._model_cache_dir, nodes=self._nodes)

    def stage(self, run_id: str, model_id: str, plan: StagingPlan) -> str:
        return self._launch(f"local-stage-{run_id}", run_id, staging_command(run_id, model_id, plan))

    def score(self, request: ScoringRequest) -> str:
        return self._launch(f"local-score-{request.run_id}", request.run_id, scoring_command(request))

    def queued(self, run_id: str) -> QueuePlace | None:
        return place_of(jobs_dir(self._model_cache_dir), run_id, self._nodes)

    def _launch(self, name: str, run_id: str, command: list[str]) -> str:
        return launch_detached(name, run_id, command, model_cache_dir=self._model_cache_dir, nodes=self._nodes)

    def status(self, job_name: str) -> JobStatus:
        # A local process has no status service; its runner retries the completion event for 10 minutes.
        return JobStatus(job_name=job_name, state="unknown")
