"""HTTP API for what the UI shows beyond the run row: the dashboard, a run's MLflow metrics, its worst samples."""

from __future__ import annotations

import asyncio

import azure.durable_functions as df
import azure.functions as func

from mlops.bootstrap import services
from mlops.insight_views import dashboard_view, sample_view
from mlops.requests import InvalidRequest
from mlops.tracking import run_metrics
from triggers.http_identity import signed_in
from triggers.http_responses import error, invalid, json_response, parse_run_id, query_int

bp = df.Blueprint()


@bp.route(route="dashboard", methods=["GET"])
@signed_in()
async def dashboard(req: func.HttpRequest) -> func.HttpResponse:
    """Operations KPIs over the last ``days`` (default 30), aggregated in SQL; 400 on a bad ``days``."""
    try:
        days = query_int(req, "days", 30, 1, 365)
    except InvalidRequest as exc:
        return invalid(exc)
    return json_response(dashboard_view(await (await services()).store.dashboard(days)))


@bp.route(route="runs/{run_id}/metrics", methods=["GET"])
@signed_in()
async def metrics(req: func.HttpRequest) -> func.HttpResponse:
    """The MLflow runs of the release run (training loss history, evaluation metrics); 404 when unknown."""
    svc = await services()
    run_id = parse_run_id(req.route_params.get("run_id"))
    run = None if run_id is None else await svc.store.get_run(run_id)
    if run_id is None or run is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    found = await asyncio.to_thread(run_metrics, svc.settings.mlflow_tracking_uri, run.experiment_name, run_id)
    return json_response({"run_id": run_id, "mlflow_runs": found})


@bp.route(route="runs/{run_id}/samples", methods=["GET"])
@signed_in()
async def samples(req: func.HttpRequest) -> func.HttpResponse:
    """The run's lowest-scoring eval samples first, ``limit`` of them (default 5); 404 when unknown."""
    try:
        limit = query_int(req, "limit", 5, 1, 100)
    except InvalidRequest as exc:
        return invalid(exc)
    svc = await services()
    run_id = parse_run_id(req.route_params.get("run_id"))
    if run_id is None or await svc.store.get_run(run_id) is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    worst = await svc.store.worst_samples(run_id, limit)
    return json_response({"run_id": run_id, "samples": [sample_view(s) for s in worst], "limit": limit})
