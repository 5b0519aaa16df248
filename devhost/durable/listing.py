"""GET /runtime/webhooks/durabletask/instances: the extension's filtered status listing."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from devhost.durable.engine import DurableEngine
from devhost.durable.replies import json_reply, query_flag

RUNTIME_STATUSES = (
    "Running",
    "Completed",
    "ContinuedAsNew",
    "Failed",
    "Canceled",
    "Terminated",
    "Pending",
    "Suspended",
)


def list_reply(engine: DurableEngine, request: web.Request) -> web.Response:
    """Statuses matching createdTimeFrom/To, runtimeStatus, instanceIdPrefix, showInput, top."""
    query = request.query
    statuses = _statuses(query.getall("runtimeStatus", []))
    found = engine.list_instances(
        runtime_status=statuses,
        created_from=_time(query.get("createdTimeFrom")),
        created_to=_time(query.get("createdTimeTo")),
        instance_id_prefix=query.get("instanceIdPrefix"),
        show_input=query_flag(request, "showInput", False),
    )
    top = query.get("top", "")
    if top.isdigit() and int(top) > 0:
        found = found[: int(top)]
    return json_reply(200, [s.to_management_json() for s in found], {"x-ms-continuation-token": "null"})


def _statuses(values: list[str]) -> list[str] | None:
    """Enum.TryParse over comma lists: unknown names are ignored; none left means no filter."""
    wanted = {v.strip().lower() for value in values for v in value.split(",")}
    chosen = [s for s in RUNTIME_STATUSES if s.lower() in wanted]
    return chosen or None


def _time(value: str | None) -> datetime | None:
    """DateTime.TryParse of an ISO 8601 value (UTC when unqualified); unparsable means no filter."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
