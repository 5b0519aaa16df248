"""Activity: publish one lifecycle event to the ``mlops-events`` topic."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from activities.names import PUBLISH_EVENT
from mlops import telemetry
from mlops.bootstrap import services
from mlops.events import LifecycleEvent
from mlops.outbox import OutboxRelay, outbox_message
from mlops.payloads import PublishRequest

bp = df.Blueprint()


@bp.function_name(PUBLISH_EVENT)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def publish_event(payload: dict[str, Any]) -> None:
    """Write the event to the outbox once (a retry finds its row), then publish it under its stable message id;
    a broker outage leaves it to the outbox relay instead of failing the run."""
    request = PublishRequest.model_validate(payload)
    svc = await services()
    event = LifecycleEvent(request.event, request.run_id, request.payload, task_type=request.task_type)
    message = outbox_message(event, svc.settings.servicebus_topic)
    await svc.store.enqueue_message(message)
    await OutboxRelay(svc.store, svc.publisher).publish_now([message.message_id])
