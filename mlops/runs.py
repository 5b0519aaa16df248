"""Run use cases behind the HTTP API: create a run, decide an approval, and the run's public view."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from mlops import events
from mlops.approvals.identity import Principal
from mlops.bootstrap import Services
from mlops.gate import PolicyViolation
from mlops.outbox import OutboxRelay, outbox_message
from mlops.payloads import PipelineInput
from mlops.requests import ApprovalRequest, InvalidRequest, RunRequest
from mlops.store import ApprovalRecord, NewRun, RunRecord, RunStore

RaiseEvent = Callable[[str, str, dict[str, Any]], Awaitable[None]]


class UnknownDataset(LookupError):
    """The run names a dataset that is not registered."""


class RunNotFound(LookupError):
    """No run has that id."""


class NotAwaitingApproval(RuntimeError):
    """The run is in a status where no decision can be taken."""


async def create_run(svc: Services, request: RunRequest, created_by: Principal) -> RunRecord:
    """Insert the run with its ``run.created`` outbox row in one transaction, then publish the row; a failed
    publish leaves it to the outbox relay (the run is never lost, and never started without its row).
    The gate policy sets the bar first: a request it refuses is InvalidRequest (422) and writes nothing."""
    policy = svc.settings.gate_policy
    try:
        choice = policy.choose(request.ml_score_threshold, request.weight_profile, request.metric_weights)
    except PolicyViolation as exc:
        raise InvalidRequest(exc.fields) from exc
    dataset = await svc.store.get_dataset(request.dataset)
    if dataset is None:
        raise UnknownDataset(request.dataset)
    run_id = str(uuid.uuid4())
    weights = choice.weights
    pipeline = PipelineInput(
        run_id=run_id,
        model_id=request.model_id,
        dataset=request.dataset,
        train_uri=dataset.train_uri,
        eval_uri=dataset.eval_uri,
        experiment_name=request.experiment_name,
        task_type=request.task_type,
        ml_score_threshold=choice.threshold,
        metric_weights=weights,
        training_timeout_minutes=svc.settings.training_timeout_minutes,
        approval_timeout_hours=svc.settings.approval_timeout_hours,
        training_max_steps=svc.settings.training_max_steps,
        training_poll_minutes=svc.settings.training.poll_minutes,
        approval_reminder_hours=svc.settings.approval_reminder_hours,
    )
    new_run = NewRun(
        run_id=run_id,
        model_id=request.model_id,
        dataset=request.dataset,
        experiment_name=request.experiment_name,
        task_type=request.task_type,
        ml_score_threshold=choice.threshold,
        metric_weights=weights,
        created_by=created_by.name,
        gate_policy=policy.snapshot(),
        policy_version=policy.version,
        weight_profile=choice.profile,
    )

    created = events.LifecycleEvent(events.RUN_CREATED, run_id, pipeline.to_json(), task_type=request.task_type)
    message = outbox_message(created, svc.settings.servicebus_topic)
    record = await svc.store.create_run(new_run, outbox=[message])
    await OutboxRelay(svc.store, svc.publisher).publish_now([message.message_id])
    return record


async def decide(
    svc: Services, run_id: str, request: ApprovalRequest, approver: Principal, raise_event: RaiseEvent, via: str = "api"
) -> ApprovalRecord:
    """Record the decision once, then raise ``ApprovalDecision``; a failed delivery withdraws the record."""
    return await record_and_raise(svc.store, run_id, request, approver, raise_event, via)


async def record_and_raise(
    store: RunStore, run_id: str, request: ApprovalRequest, approver: Principal, raise_event: RaiseEvent, via: str
) -> ApprovalRecord:
    """``decide`` over the store alone (the decision link's flow shares it)."""
    run = await store.get_run(run_id)
    if run is None:
        raise RunNotFound(run_id)
    if run.status != "awaiting_approval":
        raise NotAwaitingApproval(f"run {run_id} is {run.status}, not awaiting approval")
    record = await store.record_approval(run_id, request.decision, approver.name, request.comment, via)
    payload = {
        "decision": request.decision,
        "approver": approver.name,
        "comment": request.comment,
        "via": via,
    }
    try:
        await raise_event(run_id, "ApprovalDecision", payload)
    except Exception:
        await store.withdraw_approval(run_id)
        raise
    return record


async def run_view(svc: Services, run_id: str, orchestration: dict[str, Any] | None) -> dict[str, Any] | None:
    """The run as the API shows it: row, metrics, audit trail, decision details and orchestration state."""
    run = await svc.store.get_run(run_id)
    if run is None:
        return None
    results = await svc.store.get_results(run_id)
    run_events = await svc.store.list_events(run_id)
    approval = await svc.store.get_approval(run_id)
    view = run_summary(run)
    view.update(
        results={name: value for name, value in results.items() if "." not in name},
        evaluation=_evaluation_details(results),
        events=[
            {
                "status": e.status,
                "at": e.at.isoformat(),
                "message": e.message,
                "kind": e.kind,
                "details": e.details,
            }
            for e in run_events
        ],
        approval=None
        if approval is None
        else {
            "decision": approval.decision,
            "approver": approval.approver,
            "comment": approval.comment,
            "via": approval.via,
            "decided_at": approval.decided_at.isoformat(),
        },
        orchestration=orchestration,
        gate_policy=run.gate_policy,
    )
    return view


def run_summary(run: RunRecord) -> dict[str, Any]:
    """The fields every listing shows."""
    return {
        "run_id": str(run.run_id),
        "status": run.status,
        "decision": run.decision,
        "model_id": run.model_id,
        "dataset": run.dataset,
        "experiment_name": run.experiment_name,
        "task_type": run.task_type,
        "ml_score": run.ml_score,
        "ml_score_threshold": run.ml_score_threshold,
        "metric_weights": run.metric_weights,
        "weight_profile": run.weight_profile,
        "policy_version": run.policy_version,
        "failure_reason": run.failure_reason,
        "created_at": run.created_at.isoformat(),
        "updated_at": run.updated_at.isoformat(),
    }


def _evaluation_details(results: dict[str, float | None]) -> dict[str, dict[str, float | None]]:
    """The numbers behind the gate, stored beside the metrics as ``decision.*`` / ``judge.*`` rows."""
    details: dict[str, dict[str, float | None]] = {"decision": {}, "judge": {}}
    for name, value in results.items():
        group, _, key = name.partition(".")
        if key and group in details:
            details[group][key] = value
    return details
