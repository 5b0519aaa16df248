"""HTTP API for a run against the production model: its stored comparison, and the what-if re-score."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from mlops import champion, telemetry
from mlops.bootstrap import services
from mlops.evaluation import EvaluationFailed
from mlops.requests import InvalidRequest, RescoreRequest, parse_body
from triggers.http_identity import signed_in
from triggers.http_responses import error, invalid, json_response, parse_run_id

bp = df.Blueprint()


@bp.route(route="runs/{run_id}/comparison", methods=["GET"])
@signed_in()
async def get_comparison(req: func.HttpRequest) -> func.HttpResponse:
    """The run against the champion (``pending`` until scored, ``first_model`` without one); 404 when unknown."""
    run_id = parse_run_id(req.route_params.get("run_id"))
    run = None if run_id is None else await (await services()).store.get_run(run_id)
    if run is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    body = run.comparison or {"status": "pending", "summary": "not scored yet"}
    return json_response({"run_id": run.run_id, "eval_sha256": run.eval_sha256, "comparison": body})


@bp.route(route="runs/{run_id}/rescore", methods=["POST"])
@signed_in()
async def rescore_run(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the MLScore and comparison under other weights from stored scores (0 judge calls); 409 before
    the run is scored, 422 naming bad weights; the recorded score and decision never change."""
    run_id = parse_run_id(req.route_params.get("run_id"))
    svc = await services()
    run = None if run_id is None else await svc.store.get_run(run_id)
    if run is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    try:
        request = parse_body(RescoreRequest, req.get_body())
    except InvalidRequest as exc:
        return invalid(exc)
    if run.eval_sha256 is None:
        return error(409, "not_scored", f"run {run.run_id} has no stored per-sample scores yet")
    with telemetry.trigger_span("http rescore_run", run.run_id):
        try:
            body = await champion.rescore(svc, run, request.weights)
        except EvaluationFailed as exc:
            return error(422, "invalid_request", "the request has invalid fields", {"weights": str(exc)})
    return json_response(body)
