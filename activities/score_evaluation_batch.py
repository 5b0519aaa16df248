"""Activity: score one batch of the job's predictions (LLM-free metrics, the judge's when configured)."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.permanent import permanent_failures_returned
from mlops import telemetry
from mlops.bootstrap import services
from mlops.evaluation import read_predictions
from mlops.evaluation.batches import batch_uri
from mlops.evaluation.run import score_for_run
from mlops.payloads import BatchRequest, BatchScores

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
@permanent_failures_returned
async def score_evaluation_batch(payload: dict[str, Any]) -> dict[str, Any]:
    """Write the batch's per-sample scores, first errors and judge usage to Blob beside the predictions and
    return that URI with its missing-score count; a retry rewrites the same blob."""
    request = BatchRequest.model_validate(payload)
    svc = await services()
    rows = read_predictions(await asyncio.to_thread(svc.blob.read_text, request.predictions_uri))
    batch = rows[request.rows.start : request.rows.stop]
    scored = await asyncio.to_thread(score_for_run, batch, request.judge_metrics, svc.settings)
    uri = batch_uri(request.predictions_uri, request.rows.start, request.rows.stop)
    await asyncio.to_thread(svc.blob.upload_bytes, uri, scored.to_json().encode("utf-8"))
    return BatchScores(uri=uri, rows=request.rows, nan_scores=scored.nan_count()).to_json()
