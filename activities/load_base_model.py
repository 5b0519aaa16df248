"""Activity: fetch the base model, store it in Blob and register it (``lifecycle=new``)."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import LoadModelRequest, ModelRef
from mlops.registry import RUN_STAGE_TAGS

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def load_base_model(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the registered base model (one version per run, however often retried); a missing or invalid
    model raises with a clear reason."""
    from mlops.staging import stage_base_model  # transformers + huggingface_hub: kept off the cold start

    request = LoadModelRequest.model_validate(payload)
    svc = await services()
    staged = await asyncio.to_thread(
        stage_base_model, request.model_id, svc.blob, svc.settings.model_cache_dir, svc.settings.hf_token
    )
    version = await asyncio.to_thread(
        svc.registry.register_once,
        staged.name,
        staged.uri,
        {"lifecycle": "new", "run_id": request.run_id, "source": request.model_id},
        RUN_STAGE_TAGS,
    )
    return ModelRef(name=version.name, version=str(version.version), uri=staged.uri).to_json()
