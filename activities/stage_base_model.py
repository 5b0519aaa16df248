"""Activity: find where the base model is staged in Blob and, when it is not there yet, submit the staging job."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import STAGE_BASE_MODEL
from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import LoadModelRequest, PermanentFailure
from mlops.staging import StagingRefused, needs_job, plan_staging

bp = df.Blueprint()


@bp.function_name(STAGE_BASE_MODEL)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def stage_base_model(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the staged location and the staging job's name (None: already staged); the weights never
    pass through this instance. A ``blob://`` id without a model is a PermanentFailure (no retry helps)."""
    request = LoadModelRequest.model_validate(payload)
    svc = await services()
    try:
        plan = await asyncio.to_thread(plan_staging, request.model_id, svc.blob)
    except StagingRefused as exc:
        return PermanentFailure(permanent_failure=str(exc)).to_json()
    if not await asyncio.to_thread(needs_job, request.model_id, plan, svc.blob):
        return plan.to_json()
    job_name = await asyncio.to_thread(svc.training.stage, request.run_id, request.model_id, plan)
    await svc.store.append_event(
        request.run_id,
        "event",
        f"stage job {job_name} submitted",
        details={"job_name": job_name, "mode": "stage", "backend": svc.settings.training.backend},
        dedupe_key="job:stage",
    )
    return plan.model_copy(update={"job_name": job_name}).to_json()
