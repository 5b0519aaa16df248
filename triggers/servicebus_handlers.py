"""Service Bus entry points: start the release pipeline, and turn job completions into orchestration events.

A handler that raises leaves the message to be redelivered; after MaxDeliveryCount (3) the
broker dead-letters it, so a poison message is never lost and never retried forever.
"""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from mlops import events, telemetry
from mlops.payloads import JobKind, PipelineInput, TrainingOutcome
from mlops.training.azureml_events import is_azureml_event, parse_completion
from orchestrations.training_wait import COMPLETION_EVENTS

bp = df.Blueprint()
log = logging.getLogger(__name__)

# The topic is the SERVICEBUS_TOPIC app setting, resolved by the host (devhost too) as publishers read it.
TOPIC = "%SERVICEBUS_TOPIC%"
CONNECTION = "ServiceBusConnection"
# The training job's throughput metric (training_job/train.py), when the completion carries its metrics.
TOKENS_PER_SECOND = "tokens_per_s"
# Each job's completion events, as the job runners publish them: (job kind, succeeded).
JOB_EVENTS: dict[str, tuple[JobKind, bool]] = {
    events.TRAINING_DONE: ("finetune", True),
    events.TRAINING_FAILED: ("finetune", False),
    events.STAGING_DONE: ("stage", True),
    events.STAGING_FAILED: ("stage", False),
    events.SCORING_DONE: ("score", True),
    events.SCORING_FAILED: ("score", False),
}
AZUREML_MODES: dict[str, JobKind] = {"stage": "stage", "finetune": "finetune", "generate": "generate", "score": "score"}
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
    """On a job's completion (``run.training_*``, ``run.staging_*``, ``run.scoring_*``, or an Azure ML terminal
    job status) raise that job kind's completion event (TrainingCompleted...); late ones are dropped."""
    body = message.get_body()
    if is_azureml_event(body):
        completion = parse_completion(body)
        if completion is None or completion.mode not in AZUREML_MODES:
            log.info("Azure ML event of no job of ours or not terminal; ignored")
            return
        kind, run_id, outcome = AZUREML_MODES[completion.mode], completion.run_id, completion.outcome
        what = f"Azure ML {completion.status}"
    else:
        event = _parse(message)
        if event.event not in JOB_EVENTS:
            raise events.InvalidEvent(f"{event.event} is not a job completion event")
        kind, succeeded = JOB_EVENTS[event.event]
        run_id, what = event.run_id, event.event
        outcome = TrainingOutcome.model_validate({**event.payload, "succeeded": succeeded})
    with telemetry.trigger_span("servicebus complete_training", run_id, subscription="sub-training-events"):
        await _complete(client, run_id, kind, outcome, what)


async def _complete(
    client: df.DurableOrchestrationClient, run_id: str, kind: JobKind, outcome: TrainingOutcome, what: str
) -> None:
    status = await client.get_status(run_id)
    if status is None or status.runtime_status is None:
        raise LookupError(f"no orchestration for run {run_id}")
    if status.runtime_status in FINISHED:
        log.info("run %s already finished; late %s ignored", run_id, what)
        return
    await client.raise_event(run_id, COMPLETION_EVENTS[kind], outcome.to_json())
    throughput = outcome.metrics.get(TOKENS_PER_SECOND)
    if outcome.succeeded and throughput is not None:
        telemetry.record_training_throughput(run_id, throughput)


def _parse(message: func.ServiceBusMessage) -> events.LifecycleEvent:
    properties = message.application_properties or message.user_properties or {}
    event = events.LifecycleEvent.parse(message.get_body(), properties)
    log.info("received %s for run %s (delivery %s)", event.event, event.run_id, message.delivery_count)
    return event
