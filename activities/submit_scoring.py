"""Activity: submit the scoring job (metrics, embeddings, judge) for the planned batches; its completion
arrives later as an event."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import SUBMIT_SCORING
from mlops import telemetry
from mlops.bootstrap import services
from mlops.champion import champion_predictions
from mlops.payloads import ScoringRequest, TrainingSubmitted

bp = df.Blueprint()


@bp.function_name(SUBMIT_SCORING)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def submit_scoring(payload: dict[str, Any]) -> dict[str, Any]:
    """Start the scoring job on the configured backend (idempotent per run) and record its name; the job also
    scores the champion's answers when the generation job wrote them."""
    request = ScoringRequest.model_validate(payload)
    svc = await services()
    answers = champion_predictions(request.predictions_uri)
    if await asyncio.to_thread(svc.blob.exists, answers):  # the generation job answered with the champion too
        request = request.model_copy(update={"champion_predictions_uri": answers})
    job_name = await asyncio.to_thread(svc.training.score, request)
    await svc.store.append_event(
        request.run_id,
        "event",
        f"score job {job_name} submitted ({len(request.batches)} batches)",
        details={"job_name": job_name, "mode": "score", "backend": svc.settings.training.backend},
        dedupe_key="job:score",
    )
    return TrainingSubmitted(job_name=job_name).to_json()
