"""Activity: the training job's state from its backend (the orchestrator's fallback for a lost event)."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import TRAINING_STATUS
from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import TrainingSubmitted

bp = df.Blueprint()


@bp.function_name(TRAINING_STATUS)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def training_status(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the JobStatus of the submitted job named in ``payload``."""
    job = TrainingSubmitted.model_validate(payload)
    svc = await services()
    status = await asyncio.to_thread(svc.training.status, job.job_name)
    return status.to_json()
