"""Activity: publish one lifecycle event to the ``mlops-events`` topic."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from mlops import telemetry
from mlops.bootstrap import services
from mlops.events import LifecycleEvent
from mlops.payloads import PublishRequest

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def publish_event(payload: dict[str, Any]) -> None:
    """Send the event; its message id is stable so a retried send is detectable as a duplicate."""
    request = PublishRequest.model_validate(payload)
    publisher = (await services()).publisher
    await publisher.publish(LifecycleEvent(request.event, request.run_id, request.payload, task_type=request.task_type))
