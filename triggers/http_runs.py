"""HTTP API for runs: create, list, show, and the approval decision."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df
import azure.functions as func

from mlops import run_use_cases, telemetry
from mlops.approvals import decide
from mlops.approvals.identity import APPROVER, REQUESTER
from mlops.bootstrap import services
from mlops.requests import ApprovalRequest, InvalidRequest, RunRequest, parse_body
from mlops.store import STATUSES
from triggers.http_identity import caller, signed_in
from triggers.http_responses import error, invalid, json_response, parse_run_id, query_choice, query_int

bp = df.Blueprint()


@bp.route(route="runs", methods=["POST"])
@signed_in(REQUESTER)
async def create_run(req: func.HttpRequest) -> func.HttpResponse:
    """202 with the new run id; 400/422 naming bad fields, 404 unknown dataset; nothing written on error."""
    with telemetry.trigger_span("http create_run") as span:
        try:
            request = parse_body(RunRequest, req.get_body())
            record = await run_use_cases.create_run(await services(), request, created_by=caller(req))
        except InvalidRequest as exc:
            return invalid(exc)
        except run_use_cases.UnknownDataset as exc:
            return error(404, "not_found", f"unknown dataset {exc}", {"dataset": f"no dataset named {exc}"})
        telemetry.set_run_id(span, str(record.run_id))
    run_id = str(record.run_id)
    links = {"self": f"/api/runs/{run_id}", "approval": f"/api/runs/{run_id}/approval"}
    return json_response(
        {"run_id": run_id, "status": record.status, "links": links}, 202, headers={"Location": links["self"]}
    )


@bp.route(route="runs", methods=["GET"])
@signed_in()
async def list_runs(req: func.HttpRequest) -> func.HttpResponse:
    """Runs newest first, filtered by ``status``, paged by ``limit``/``offset``."""
    try:
        status = query_choice(req, "status", STATUSES)
        limit = query_int(req, "limit", 50, 1, 500)
        offset = query_int(req, "offset", 0, 0, 1_000_000)
    except InvalidRequest as exc:
        return invalid(exc)
    records = await (await services()).store.list_runs(status=status, limit=limit, offset=offset)
    return json_response({"runs": [run_use_cases.run_summary(r) for r in records], "limit": limit, "offset": offset})


@bp.route(route="runs/{run_id}", methods=["GET"])
@bp.durable_client_input(client_name="client")
@signed_in()
async def get_run(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """The run with its metrics, audit trail and orchestration status; 404 when unknown."""
    run_id = parse_run_id(req.route_params.get("run_id"))
    view = None
    if run_id is not None:
        with telemetry.trigger_span("http get_run", run_id):
            view = await run_use_cases.run_view(await services(), run_id, await _orchestration(client, run_id))
    if view is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    return json_response(view)


@bp.route(route="runs/{run_id}/approval", methods=["POST"])
@bp.durable_client_input(client_name="client")
@signed_in(APPROVER)
async def decide_run(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """202 once the caller's vote is recorded (and raised when it decides the run); 403 the requester approving,
    409 not awaiting approval, already decided or already voted, 410 after the deadline (nothing recorded)."""
    run_id = parse_run_id(req.route_params.get("run_id"))
    if run_id is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    try:
        with telemetry.trigger_span("http decide_run", run_id):
            request = parse_body(ApprovalRequest, req.get_body())
            store = (await services()).store
            ballot = await decide.record_and_raise(
                store, run_id, request, caller(req), client.raise_event, via=request.via
            )
    except InvalidRequest as exc:
        return invalid(exc)
    except decide.REFUSALS as exc:
        return error(*decide.refusal(exc))
    vote = ballot.vote
    body = {"run_id": run_id, "decision": vote.decision, "approver": vote.approver, "status": "accepted"}
    return json_response(body | {"approvals": decide.tally(ballot), "decided": ballot.outcome is not None}, 202)


async def _orchestration(client: df.DurableOrchestrationClient, run_id: str) -> dict[str, Any] | None:
    status = await client.get_status(run_id)
    if status is None or status.runtime_status is None:
        return None
    custom = status.custom_status if isinstance(status.custom_status, dict) else {}
    return {
        "runtime_status": status.runtime_status.value,
        "custom_status": status.custom_status,
        "version": custom.get("version"),  # the orchestrator reports context.version: the same in Azure
    }
