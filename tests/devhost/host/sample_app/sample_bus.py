"""Service Bus topic triggers: one starts the orchestration, one always fails (poison → dead-letter)."""

import json

import azure.durable_functions as df
import azure.functions as func

bp = df.Blueprint()


@bp.service_bus_topic_trigger(
    arg_name="msg",
    topic_name="%SAMPLE_TOPIC%",
    subscription_name="sub-start",
    connection="ServiceBusConnection",
)
@bp.durable_client_input(client_name="client")
async def on_flow_requested(msg: func.ServiceBusMessage, client: df.DurableOrchestrationClient) -> None:
    """Start approval_flow for the message (idempotent per flow id), recording what the trigger saw."""
    body = json.loads(msg.get_body())
    status = await client.get_status(body["flow_id"])
    if status.runtime_status is not None:
        return
    source = {
        "message_id": msg.message_id,
        "event_type": msg.application_properties.get("event_type"),
        "user_event_type": msg.user_properties.get("event_type"),
        "delivery_count": msg.delivery_count,
        "content_type": msg.content_type,
        "correlation_id": msg.correlation_id,
        "enqueued": msg.enqueued_time_utc.isoformat() if msg.enqueued_time_utc else None,
    }
    await client.start_new("approval_flow", body["flow_id"], {"name": body["name"], "source": source})


@bp.service_bus_topic_trigger(
    arg_name="msg",
    topic_name="%SAMPLE_TOPIC%",
    subscription_name="sub-poison",
    connection="ServiceBusConnection",
)
def on_poison(msg: func.ServiceBusMessage) -> None:
    """Always fails, so the broker dead-letters the message after MaxDeliveryCount deliveries."""
    raise ValueError(f"cannot handle message {msg.message_id}")
