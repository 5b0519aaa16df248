"""Response shapes of the Durable extension's HTTP API (HttpApiHandler): errors, status, check-status."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from devhost.durable.binding import management_urls

RUNNING_STATES = frozenset({"Running", "Pending", "ContinuedAsNew", "Suspended"})
FINAL_STATES = frozenset({"Completed", "Failed", "Terminated", "Canceled"})
CHECK_STATUS_KEYS = (
    "id",
    "statusQueryGetUri",
    "sendEventPostUri",
    "terminatePostUri",
    "purgeHistoryDeleteUri",
    "restartPostUri",
    "suspendPostUri",
    "resumePostUri",
)


def json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response (the extension serialises with Json.NET)."""
    return web.Response(status=status, text=json.dumps(payload), content_type="application/json", headers=headers)


def error_reply(status: int, message: str, exc: BaseException | None = None) -> web.Response:
    """request.CreateErrorResponse: an HttpError body with Message (+ ExceptionMessage/Type)."""
    body: dict[str, Any] = {"Message": message}
    if exc is not None:
        body.update({"ExceptionMessage": str(exc), "ExceptionType": type(exc).__name__, "StackTrace": None})
    return json_reply(status, body)


def empty_reply(status: int) -> web.Response:
    """request.CreateResponse(status) with no content."""
    return web.Response(status=status)


def runtime_status(status: Any) -> str:
    """The runtime status name of an engine status object (enum or string)."""
    value = status.runtime_status
    return str(getattr(value, "value", value))


def status_reply(request: web.Request, status: Any, *, error_on_failure: bool) -> web.Response:
    """GET instances/{id}: 202 + Location while running, 200 when final, 500 on failure if asked."""
    name = runtime_status(status)
    payload = status.to_management_json()
    if name in RUNNING_STATES:
        headers = {"Location": str(request.url), "Retry-After": "5"}
        return json_reply(202, payload, headers)
    if name == "Failed" and error_on_failure:
        return json_reply(500, payload)
    return json_reply(200, payload)


def check_status_reply(request: web.Request, instance_id: str, task_hub: str, connection: str) -> web.Response:
    """CreateCheckStatusResponse: 202, Location = statusQueryGetUri, Retry-After 10, the management URLs."""
    origin = f"{request.url.scheme}://{request.url.raw_authority}"
    urls = management_urls(origin, instance_id, task_hub, connection)
    body = {key: urls[key] for key in CHECK_STATUS_KEYS}
    return json_reply(202, body, {"Location": urls["statusQueryGetUri"], "Retry-After": "10"})


def query_flag(request: web.Request, name: str, default: bool) -> bool:
    """bool.TryParse semantics: 'true'/'false' in any case, anything else is the default."""
    value = request.query.get(name, "").strip().lower()
    return {"true": True, "false": False}.get(value, default)
