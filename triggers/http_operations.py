"""HTTP API for operators: dead-lettered messages with their reason, and their re-drive (app role ``operator``)."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from mlops.bootstrap import services
from mlops.operations import actions
from mlops.operations.actions import OPERATOR_ROLE
from mlops.operations.deadletters import SUBSCRIPTIONS
from mlops.requests import InvalidRequest, RedriveRequest, parse_body
from triggers.http_identity import caller, signed_in
from triggers.http_responses import invalid, json_response, query_choice

bp = df.Blueprint()


def _subscription(name: str | None) -> str | None:
    if name is not None and name not in SUBSCRIPTIONS:
        raise InvalidRequest({"subscription": f"must be one of {', '.join(SUBSCRIPTIONS)}"})
    return name


@bp.route(route="operations/deadletters", methods=["GET"])
@signed_in(OPERATOR_ROLE)
async def list_dead_letters(req: func.HttpRequest) -> func.HttpResponse:
    """Dead-lettered messages (``?subscription=`` one, else all) with reason and run; 401/403 without the role."""
    try:
        subscription = query_choice(req, "subscription", SUBSCRIPTIONS)
    except InvalidRequest as exc:
        return invalid(exc)
    found = await actions.list_dead_letters(await services(), caller(req), subscription)
    return json_response({"deadletters": [d.to_json() for d in found]})


@bp.route(route="operations/deadletters/redrive", methods=["POST"])
@signed_in(OPERATOR_ROLE)
async def redrive_dead_letters(req: func.HttpRequest) -> func.HttpResponse:
    """Re-drive the named dead-lettered messages of one subscription; 200 with those re-driven."""
    try:
        request = parse_body(RedriveRequest, req.get_body())
        _subscription(request.subscription)
    except InvalidRequest as exc:
        return invalid(exc)
    done = await actions.redrive(await services(), caller(req), request.subscription, request.sequence_numbers)
    return json_response({"redriven": [d.to_json() for d in done]})
