"""Service Bus entry points: start the release pipeline, and turn job completions into orchestration events.

A handler that raises leaves the message to be redelivered; after MaxDeliveryCount (3) the
broker dead-letters it, so a poison message is never lost and never retried forever.
"""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from mlops import events, telemetry
from mlops.payloads import PipelineInput, TrainingOutcome
from mlops.training.azureml_events import is_azureml_event, parse_completion
from orchestrations.training_wait import TRAINING_COMPLETED

bp = df.Blueprint()
log = logging.getLogger(__name__)

TOPIC = "mlops-events"
CONNECTION = "ServiceBusConnection"
# The training job's throughput metric (training_job/train.py), when the completion carries its metrics.
TOKENS_PER_SECOND = "tokens_per_s"
FINISHED = {
    df.OrchestrationRuntimeStatus.Completed,
    df.OrchestrationRuntimeStatus.Failed,
    df.OrchestrationRuntimeStatus.Terminated,
}


@bp.service_bus_topic_trigger(
    arg_name="message", topic_name=TOPIC, subscription_name="sub-orchestrator", connection=CONNECTION
)
@bp.durable_client_input(client_name="client")
async def start_release_pipeline(message: func.ServiceBusMessage, client: df.DurableOrchestrationClient) -> None:
    """On ``run.created`` start ``release_pipeline`` with instance id = run id; a redelivery starts nothing."""
    event = _parse(message)
    with telemetry.trigger_span(
        "servicebus start_release_pipeline", event.run_id, subscription="sub-orchestrator", event=event.event
    ):
        await _start(event, client)


async def _start(event: events.LifecycleEvent, client: df.DurableOrchestrationClient) -> None:
    pipeline = PipelineInput.model_validate(event.payload)
    if pipeline.run_id != event.run_id:
        raise events.InvalidEvent(f"payload run_id {pipeline.run_id} differs from event run_id {event.run_id}")
    existing = await client.get_status(event.run_id)
    if existing is not None and existing.runtime_status is not None:
        log.info(
            "run %s already has an orchestration (%s); duplicate delivery ignored",
            event.run_id,
            existing.runtime_status.value,
        )
        return
    await client.start_new("release_pipeline", instance_id=event.run_id, client_input=pipeline.to_json())
    log.info("started release_pipeline for run %s", event.run_id)


@bp.service_bus_topic_trigger(
    arg_name="message", topic_name=TOPIC, subscription_name="sub-training-events", connection=CONNECTION
)
@bp.durable_client_input(client_name="client")
async def complete_training(message: func.ServiceBusMessage, client: df.DurableOrchestrationClient) -> None:
    """On ``run.training_*`` or an Azure ML terminal job status raise ``TrainingCompleted``; late ones are dropped."""
    body = message.get_body()
    if is_azureml_event(body):
        completion = parse_completion(body)
        if completion is None:
            log.info("Azure ML event of no run of ours or not terminal; ignored")
            return
        run_id, outcome, what = completion.run_id, completion.outcome, f"Azure ML {completion.status}"
    else:
        event = _parse(message)
        run_id, what = event.run_id, event.event
        outcome = TrainingOutcome.model_validate({**event.payload, "succeeded": event.event == events.TRAINING_DONE})
    with telemetry.trigger_span("servicebus complete_training", run_id, subscription="sub-training-events"):
        await _complete(client, run_id, outcome, what)


async def _complete(client: df.DurableOrchestrationClient, run_id: str, outcome: TrainingOutcome, what: str) -> None:
    status = await client.get_status(run_id)
    if status is None or status.runtime_status is None:
        raise LookupError(f"no orchestration for run {run_id}")
    if status.runtime_status in FINISHED:
        log.info("run %s already finished; late %s ignored", run_id, what)
        return
    await client.raise_event(run_id, TRAINING_COMPLETED, outcome.to_json())
    throughput = outcome.metrics.get(TOKENS_PER_SECOND)
    if outcome.succeeded and throughput is not None:
        telemetry.record_training_throughput(run_id, throughput)


def _parse(message: func.ServiceBusMessage) -> events.LifecycleEvent:
    properties = message.application_properties or message.user_properties or {}
    event = events.LifecycleEvent.parse(message.get_body(), properties)
    log.info("received %s for run %s (delivery %s)", event.event, event.run_id, message.delivery_count)
    return event
