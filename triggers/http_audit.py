"""HTTP API for the audit trail: a run's hash chain and whether it still verifies."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from mlops import telemetry
from mlops.audit.verify import audit_view
from mlops.bootstrap import services
from mlops.store import RunNotFound
from triggers.http_identity import signed_in
from triggers.http_responses import error, json_response, parse_run_id

bp = df.Blueprint()


@bp.route(route="runs/{run_id}/audit", methods=["GET"])
@signed_in()
async def run_audit(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the run's chain, ``verified`` and the first broken link (null when intact); 404 unknown run."""
    run_id = parse_run_id(req.route_params.get("run_id"))
    if run_id is None:
        return error(404, "not_found", f"no run {req.route_params.get('run_id')}")
    try:
        with telemetry.trigger_span("http run_audit", run_id):
            return json_response(await audit_view((await services()).store, run_id))
    except RunNotFound:
        return error(404, "not_found", f"no run {run_id}")
