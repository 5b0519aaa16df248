"""The Azure ML adapter of the jobs port: submit the command jobs with MLClient, read their status.

``MLClient`` is built in the composition root from settings (DefaultAzureCredential); this adapter
only speaks to it, so tests hand it a client whose HTTP transport is a fake Azure ML REST service.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from azure.ai.ml import MLClient
from azure.ai.ml.entities import Command
from azure.core.exceptions import ResourceNotFoundError

from evaluation_job.job_spec import build_scoring_job, code_snapshot, evaluation_environment
from mlops.node_queue import QueuePlace
from mlops.payloads import ScoringRequest, StagingPlan, TrainingRequest
from mlops.training.backends import JobState, JobStatus
from training_job.job_spec import (
    DEFAULT_COMPUTE,
    JobSpec,
    build_job,
    build_staging_job,
    job_name,
    training_environment,
)

# Azure ML job statuses (JobStatus enum of the REST API) mapped onto the port's states.
_STATES: dict[str, JobState] = {"Completed": "completed", "Failed": "failed", "Canceled": "failed"}
_UNKNOWN = {"Unknown", "NotStarted"}


class AzureMLTrainingBackend:
    """Submits ``training_job`` to the workspace's GPU cluster; job name = mlops-<mode>-<run_id>."""

    def __init__(self, ml_client: MLClient, app_settings: Mapping[str, str], compute: str = DEFAULT_COMPUTE) -> None:
        self._client = ml_client
        self._app_settings = app_settings  # the scoring job reads some of them itself (PASSED_SETTINGS)
        self._compute = compute

    @classmethod
    def from_workspace(
        cls, subscription_id: str, resource_group: str, workspace: str, compute: str, app_settings: Mapping[str, str]
    ) -> AzureMLTrainingBackend:
        from azure.identity import DefaultAzureCredential

        client = MLClient(DefaultAzureCredential(), subscription_id, resource_group, workspace)
        return cls(client, app_settings, compute)

    def submit(self, request: TrainingRequest) -> str:
        name = job_name(request.run_id, request.mode)
        if self._exists(name):
            return name
        spec = JobSpec(
            run_id=request.run_id,
            model_id=request.model_id or request.base_model_uri,
            mode=request.mode,
            base_model_uri=request.base_model_uri,
            train_uri=request.train_uri if request.mode == "finetune" else None,
            eval_uri=request.eval_uri,
            experiment_name=request.experiment_name,
            max_steps=request.max_steps,
            compute=self._compute,
            champion_model_uri=request.champion_model_uri,
        )
        return self._create(build_job(spec, training_environment()))

    def stage(self, run_id: str, model_id: str, plan: StagingPlan) -> str:
        name = job_name(run_id, "stage")
        if self._exists(name):
            return name
        return self._create(build_staging_job(run_id, model_id, plan.uri, training_environment()))

    def score(self, request: ScoringRequest) -> str:
        name = job_name(request.run_id, "score")
        if self._exists(name):
            return name
        batches = [(rows.start, rows.stop) for rows in request.batches]
        with tempfile.TemporaryDirectory(prefix="mlops-score-code-") as tmp:
            job = build_scoring_job(
                request.run_id, request.predictions_uri, batches, request.judge_metrics, evaluation_environment(),
                dict(self._app_settings), code_snapshot(Path(tmp)),
                champion_predictions_uri=request.champion_predictions_uri,
            )  # fmt: skip
            return self._create(job)  # the snapshot is uploaded (or found by its hash) here

    def _exists(self, name: str) -> bool:
        """Whether the job was submitted already (a retried activity finds the job it submitted)."""
        try:
            self._client.jobs.get(name)
        except ResourceNotFoundError:
            return False
        return True

    def _create(self, job: Command) -> str:
        return str(self._client.jobs.create_or_update(job).name)

    def status(self, job_name: str) -> JobStatus:
        job = self._client.jobs.get(job_name)
        raw = str(getattr(job.status, "value", job.status) or "Unknown")  # the SDK returns a str enum
        state: JobState = _STATES.get(raw, "unknown" if raw in _UNKNOWN else "running")
        reason = f"Azure ML job {job_name} {raw.lower()}" if state == "failed" else None
        return JobStatus(job_name=job_name, state=state, reason=reason)

    def queued(self, run_id: str) -> QueuePlace | None:
        # Azure ML shows a job beyond maxNodeCount as Queued (its status) but no place in its queue.
        return None
