"""Activity: set the decision tags (``deployment_status``, ``validation``) on a model version; a ``go_prod``
version becomes the registered model's ``champion`` (the baseline the next candidates are compared with)."""

from __future__ import annotations

import asyncio
from typing import Any

import azure.durable_functions as df

from activities.names import TAG_MODEL
from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import TagRequest
from mlops.registry import RegisteredModelVersion

bp = df.Blueprint()


@bp.function_name(TAG_MODEL)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def tag_model(payload: dict[str, Any]) -> None:
    """Tags are idempotent: setting them again leaves the same state."""
    request = TagRequest.model_validate(payload)
    registry = (await services()).registry
    ref = RegisteredModelVersion(name=request.model.name, version=request.model.version)
    await asyncio.to_thread(registry.set_tags, ref, request.tags)
    if request.tags.get("deployment_status") == "go_prod":
        await asyncio.to_thread(registry.set_champion, ref)
