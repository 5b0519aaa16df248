"""Run use cases behind the HTTP API: create a run and the run's public view (deciding: mlops.approvals.decide)."""

from __future__ import annotations

import uuid
from typing import Any

from mlops import events
from mlops.approvals.identity import Principal
from mlops.bootstrap import Services
from mlops.gate import PolicyViolation
from mlops.node_queue import QueuePlace
from mlops.outbox import OutboxRelay, outbox_message
from mlops.payloads import PipelineInput
from mlops.requests import InvalidRequest, RunRequest
from mlops.store import NewRun, RunRecord, VoteRecord


class UnknownDataset(LookupError):
    """The run names a dataset that is not registered."""


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
        training_timeout_minutes=svc.settings.training.timeout_minutes,
        approval_timeout_hours=svc.settings.approval_timeout_hours,
        training_max_steps=svc.settings.training.max_steps,
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
        created_by_oid=created_by.oid,
        approvals_required=policy.approvals_required,
    )

    created = events.LifecycleEvent(events.RUN_CREATED, run_id, pipeline.to_json(), task_type=request.task_type)
    message = outbox_message(created, svc.settings.servicebus_topic)
    record = await svc.store.create_run(new_run, outbox=[message])
    await OutboxRelay(svc.store, svc.publisher).publish_now([message.message_id])
    return record


async def run_view(svc: Services, run_id: str, orchestration: dict[str, Any] | None) -> dict[str, Any] | None:
    """The run as the API shows it: row, metrics, audit trail, decision details and orchestration state."""
    run = await svc.store.get_run(run_id)
    if run is None:
        return None
    results = await svc.store.get_results(run_id)
    run_events = await svc.store.list_events(run_id)
    approval = await svc.store.get_approval(run_id)
    votes = await svc.store.list_votes(run_id)
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
                "details": _public_details(e.kind, e.details),
            }
            for e in run_events
        ],
        approvals=_approvals(run, votes),
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
        eval_sha256=run.eval_sha256,
        comparison=run.comparison,
        queue=_queue(svc.training.queued(run_id)),
    )
    return view


def _queue(place: QueuePlace | None) -> dict[str, Any] | None:
    """A job waiting for a node shows ``queued`` with its place, as Azure ML shows a job Queued."""
    if place is None:
        return None
    return {"state": "queued", "job": place.job_name, "place": place.place, "of": place.waiting, "nodes": place.nodes}


def _public_details(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """What the API shows of an event: a card's signed Approve/Reject URLs are a credential, so never."""
    if kind == "card":
        return {k: v for k, v in details.items() if k != "card"}
    return details


def _approvals(run: RunRecord, votes: list[VoteRecord]) -> dict[str, Any]:
    """Who decided what so far, and "1 of 2 approvals"."""
    approved = sum(1 for vote in votes if vote.decision == "approve")
    return {
        "required": run.approvals_required,
        "approved": approved,
        "summary": f"{approved} of {run.approvals_required} approvals",
        "votes": [
            {
                "approver": v.approver,
                "approver_oid": v.approver_oid,
                "decision": v.decision,
                "comment": v.comment,
                "via": v.via,
                "decided_at": v.decided_at.isoformat(),
            }
            for v in votes
        ],
    }


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
        "created_by": run.created_by,  # the UI offers Approve to anyone else but this requester
        "created_by_oid": run.created_by_oid,
        "approvals_required": run.approvals_required,
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
