"""HTTP API for operators: dead-lettered messages with their reason, and their re-drive (role ``operator``)."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from mlops.bootstrap import services
from mlops.operations import actions
from mlops.operations.access import OPERATOR_ROLE, Actor, signed_in_actor
from mlops.operations.deadletters import SUBSCRIPTIONS
from mlops.requests import InvalidRequest, RedriveRequest, parse_body
from triggers.http_responses import error, invalid, json_response

bp = df.Blueprint()


def _operator(req: func.HttpRequest) -> Actor | func.HttpResponse:
    actor = signed_in_actor(req.headers)
    if actor is None:
        return error(401, "unauthenticated", "sign in: operator actions need a signed-in user")
    if OPERATOR_ROLE not in actor.roles:
        return error(403, "forbidden", f"{actor.name} lacks the app role {OPERATOR_ROLE!r}")
    return actor


def _subscription(name: str | None) -> str | None:
    if name is not None and name not in SUBSCRIPTIONS:
        raise InvalidRequest({"subscription": f"must be one of {', '.join(SUBSCRIPTIONS)}"})
    return name


@bp.route(route="operations/deadletters", methods=["GET"])
async def list_dead_letters(req: func.HttpRequest) -> func.HttpResponse:
    """Dead-lettered messages (``?subscription=`` one, else all) with reason and run; 401/403 without the role."""
    actor = _operator(req)
    if isinstance(actor, func.HttpResponse):
        return actor
    try:
        subscription = _subscription(req.params.get("subscription") or None)
    except InvalidRequest as exc:
        return invalid(exc)
    found = await actions.list_dead_letters(await services(), actor, subscription)
    return json_response({"deadletters": [d.to_json() for d in found]})


@bp.route(route="operations/deadletters/redrive", methods=["POST"])
async def redrive_dead_letters(req: func.HttpRequest) -> func.HttpResponse:
    """Re-drive the named dead-lettered messages of one subscription; 200 with those re-driven."""
    actor = _operator(req)
    if isinstance(actor, func.HttpResponse):
        return actor
    try:
        request = parse_body(RedriveRequest, req.get_body())
        _subscription(request.subscription)
    except InvalidRequest as exc:
        return invalid(exc)
    done = await actions.redrive(await services(), actor, request.subscription, request.sequence_numbers)
    return json_response({"redriven": [d.to_json() for d in done]})
