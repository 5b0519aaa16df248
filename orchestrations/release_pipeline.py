"""The release pipeline: one deterministic orchestration per run (instance id = run id).

Only the ``context`` API is used here — no I/O, clock or randomness — so every replay takes the
same path. Each stage is an activity; every transition is written by ``record_status`` and
mirrored in the custom status. Any stage failure ends the run ``failed`` with its reason.
"""

from __future__ import annotations

import logging

import azure.durable_functions as df

from activities import PUBLISH_EVENT, RECORD_STATUS, REGISTER_MODEL, SEND_CARD, STAGE_BASE_MODEL
from mlops import events
from mlops.payloads import (
    CardRequest,
    LoadModelRequest,
    ModelRef,
    Payload,
    PipelineInput,
    PublishRequest,
    RegisterModelRequest,
    StagingPlan,
    StatusUpdate,
    TrainingOutcome,
    TrainingSubmitted,
)
from mlops.registry import finetuned_name
from orchestrations.approval_wait import await_approval
from orchestrations.evaluation_fanout import evaluate
from orchestrations.steps import Steps, call, call_as, failure_reason, finish, record
from orchestrations.training_wait import await_job, run_job

log = logging.getLogger(__name__)
bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def release_pipeline(context: df.DurableOrchestrationContext) -> Steps:
    """Run one release: load, train, evaluate, gate, await approval, tag; returns the final state."""
    run = PipelineInput.model_validate(context.get_input())
    try:
        decision = yield from _run_stages(context, run)
    except Exception as exc:
        reason = failure_reason(exc)
        yield from _fail(context, run, reason)
        return {"status": "failed", "reason": reason}
    return {"status": "completed", "decision": decision}


def _run_stages(context: df.DurableOrchestrationContext, run: PipelineInput) -> Steps:
    """The spec's sequence: the decision it ends with (``go_prod``, ``rejected`` or ``expired``)."""
    yield from record(context, run, "loading", f"loading base model {run.model_id}")
    base = yield from _load_base_model(context, run)
    if run.task_type == "finetune":
        model, outcome = yield from _train(context, run, base)
    else:
        model, outcome = yield from _generate_answers(context, run, base)
    evaluation = yield from evaluate(context, run, outcome.predictions_uri or "")
    if not evaluation.passed:
        message = evaluation.reason or f"MLScore {evaluation.ml_score:.3f} < threshold {run.ml_score_threshold}"
        return (yield from finish(context, run, model, "below_threshold", message, ml_score=evaluation.ml_score))
    return (yield from await_approval(context, run, model, evaluation))


def _load_base_model(context: df.DurableOrchestrationContext, run: PipelineInput) -> Steps:
    """Stage the base model in Blob (a job, unless it is there already) and register it (``lifecycle=new``)."""
    request = LoadModelRequest(run_id=run.run_id, model_id=run.model_id)
    plan = yield from call_as(context, STAGE_BASE_MODEL, request, StagingPlan)
    if plan.job_name is not None:
        yield from await_job(context, run, "stage", TrainingSubmitted(job_name=plan.job_name))
    tags = {"lifecycle": "new", "run_id": run.run_id, "source": run.model_id}
    register = RegisterModelRequest(run_id=run.run_id, name=plan.name, source_uri=plan.uri, tags=tags)
    return (yield from call_as(context, REGISTER_MODEL, register, ModelRef))


def _train(context: df.DurableOrchestrationContext, run: PipelineInput, base: ModelRef) -> Steps:
    """Fine-tune the base model (a job) and register the result (``lifecycle=finetuned``); the model to
    evaluate and the job's outcome."""
    yield from record(
        context, run, "training", "LoRA fine-tuning submitted", base_model_uri=base.uri, registered_model=base.to_json()
    )
    outcome: TrainingOutcome = yield from run_job(context, run, "finetune", base.uri)
    tags = {
        "lifecycle": "finetuned",
        "validation": "pending",
        "run_id": run.run_id,
        "base_model": f"{base.name}/{base.version}",
    }
    register = RegisterModelRequest(
        run_id=run.run_id, name=finetuned_name(base.name), source_uri=outcome.model_uri or "", tags=tags
    )
    model = yield from call_as(context, REGISTER_MODEL, register, ModelRef)
    yield from record(
        context,
        run,
        "evaluating",
        "evaluating the fine-tuned model",
        finetuned_model_uri=model.uri,
        registered_model=model.to_json(),
    )
    return model, outcome


def _generate_answers(context: df.DurableOrchestrationContext, run: PipelineInput, base: ModelRef) -> Steps:
    """Generate the eval set's answers with the base model (a job); the model to evaluate and the outcome."""
    yield from record(
        context,
        run,
        "evaluating",
        "generating answers with the base model",
        base_model_uri=base.uri,
        registered_model=base.to_json(),
    )
    outcome: TrainingOutcome = yield from run_job(context, run, "generate", base.uri)
    return base, outcome


def _fail(context: df.DurableOrchestrationContext, run: PipelineInput, reason: str) -> Steps:
    """Record the failure; each step is attempted even if an earlier one fails (and logged), so the run never
    hangs without a status."""
    context.set_custom_status({"status": "failed", "message": reason, "version": context.version})
    steps: list[tuple[str, Payload]] = [
        (
            RECORD_STATUS,
            StatusUpdate(run_id=run.run_id, status="failed", message=reason, fields={"failure_reason": reason}),
        ),
        (
            PUBLISH_EVENT,
            PublishRequest(event=events.FAILED, run_id=run.run_id, task_type=run.task_type, payload={"reason": reason}),
        ),
        (SEND_CARD, CardRequest(run_id=run.run_id, kind="failed", facts={"reason": reason})),
    ]
    for activity, payload in steps:
        try:
            yield call(context, activity, payload)
        except Exception as exc:  # the next step still runs: a failed run with no card beats a hung one
            if not context.is_replaying:
                log.error(
                    "run %s failed (%s) and %s could not record it: %s",
                    run.run_id,
                    reason,
                    activity,
                    failure_reason(exc),
                )
