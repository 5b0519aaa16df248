"""Activity: register a model version in the registry with its lifecycle tags."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import REGISTER_MODEL
from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import ModelRef, RegisterModelRequest
from mlops.registry import RUN_STAGE_TAGS

bp = df.Blueprint()


@bp.function_name(REGISTER_MODEL)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def register_model(payload: dict[str, Any]) -> dict[str, Any]:
    """Register ``source_uri`` under ``name`` and return the version; a retry finds the version this run's stage
    registered (by its ``run_id`` and ``lifecycle`` tags) instead of adding another."""
    request = RegisterModelRequest.model_validate(payload)
    registry = (await services()).registry
    version = await asyncio.to_thread(
        registry.register_once, request.name, request.source_uri, request.tags, RUN_STAGE_TAGS
    )
    return ModelRef(name=version.name, version=str(version.version), uri=request.source_uri).to_json()
