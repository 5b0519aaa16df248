"""Activity: submit the fine-tuning (or generation) job; its completion arrives later as an event. When the
champion has no scores on this eval set, the job answers it with the champion too (scored once, then reused)."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import SUBMIT_TRAINING
from mlops import telemetry
from mlops.bootstrap import services
from mlops.champion import champion_to_score
from mlops.payloads import TrainingRequest, TrainingSubmitted

bp = df.Blueprint()


@bp.function_name(SUBMIT_TRAINING)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def submit_training(payload: dict[str, Any]) -> dict[str, Any]:
    """Start the job on the configured backend (idempotent per run and mode) and record its name."""
    request = TrainingRequest.model_validate(payload)
    svc = await services()
    run = await svc.store.get_run(request.run_id)
    champion = None if run is None else await champion_to_score(svc, run, request.mode, request.eval_uri)
    if champion is not None:
        request = request.model_copy(update={"champion_model_uri": champion.model_uri})
        await svc.store.append_event(
            request.run_id,
            "event",
            f"champion {champion.name} v{champion.version} has no scores on this eval set: "
            "its answers are generated and scored with this run's",
            details=champion.as_json(),
            dedupe_key="champion:generate",
        )
    job_name = await asyncio.to_thread(svc.training.submit, request)
    await svc.store.append_event(
        request.run_id,
        "event",
        f"{request.mode} job {job_name} submitted",
        details={"job_name": job_name, "mode": request.mode, "backend": svc.settings.training.backend},
        dedupe_key=f"job:{request.mode}",
    )
    return TrainingSubmitted(job_name=job_name).to_json()
