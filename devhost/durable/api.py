"""The Durable extension's management HTTP API (/runtime/webhooks/durabletask/...) over the local engine."""

from __future__ import annotations

import json

from aiohttp import web

from devhost.durable.binding import DEFAULT_CONNECTION, WEBHOOK_PATH
from devhost.durable.commands import InstanceCommands
from devhost.durable.engine import DurableEngine
from devhost.durable.entity_api import EntityHttpApi
from devhost.durable.errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    UnknownOrchestrator,
)
from devhost.durable.listing import list_reply
from devhost.durable.replies import (
    FINAL_STATES,
    check_status_reply,
    empty_reply,
    error_reply,
    json_reply,
    query_flag,
    runtime_status,
    status_reply,
)
from devhost.durable.start import orchestration_input, query_seconds, wait_or_check


class DurableHttpApi:
    """HttpApiHandler's routes: start, status, list, raise event, terminate, purge, and the instance commands."""

    def __init__(self, engine: DurableEngine, task_hub: str) -> None:
        self._engine = engine
        self._task_hub = task_hub
        self._commands = InstanceCommands(engine, task_hub)

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions for the management API."""
        base = WEBHOOK_PATH
        return [
            web.post(base + "/orchestrators/{function_name}", self.start),
            web.post(base + "/orchestrators/{function_name}/{instance_id}", self.start),
            web.get(base + "/instances", self.list_instances),
            web.get(base + "/instances/", self.list_instances),
            web.get(base + "/instances/{instance_id}", self.get_status),
            web.delete(base + "/instances/{instance_id}", self.purge),
            web.post(base + "/instances/{instance_id}/terminate", self.terminate),
            web.post(base + "/instances/{instance_id}/raiseEvent/{event_name}", self.raise_event),
            *self._commands.routes(base),
            *EntityHttpApi(self._engine).routes(base),
        ]

    async def start(self, request: web.Request) -> web.Response:
        """POST orchestrators/{name}[/{id}]: 202 check-status reply (or wait when timeout is given)."""
        body = await request.text()
        try:
            input_json = orchestration_input(body)
        except json.JSONDecodeError as exc:
            return error_reply(400, "Invalid JSON content", exc)
        instance_id = request.match_info.get("instance_id") or None
        try:
            new_id = await self._engine.start_new(
                request.match_info["function_name"], instance_id, input_json, request.query.get("version")
            )
        except UnknownOrchestrator as exc:
            return error_reply(400, "One or more of the arguments submitted is incorrect", exc)
        except InstanceAlreadyExists as exc:
            return error_reply(409, "An orchestration with this instance id already exists", exc)
        connection = request.query.get("connection") or DEFAULT_CONNECTION
        timeout, interval = query_seconds(request, "timeout"), query_seconds(request, "pollingInterval")
        if timeout is not None and interval is not None:
            return await wait_or_check(self._engine, request, new_id, (timeout, interval), self._task_hub, connection)
        return check_status_reply(request, new_id, self._task_hub, connection)

    async def get_status(self, request: web.Request) -> web.Response:
        """GET instances/{id}: 404 unknown, 202 running, 200 final (500 failed when asked)."""
        status = self._engine.get_status(
            request.match_info["instance_id"],
            show_history=query_flag(request, "showHistory", False),
            show_input=query_flag(request, "showInput", True),
        )
        if status is None:
            return empty_reply(404)
        failure_500 = query_flag(request, "returnInternalServerErrorOnFailure", False)
        return status_reply(request, status, error_on_failure=failure_500)

    async def list_instances(self, request: web.Request) -> web.Response:
        """GET instances/: statuses filtered by the query (created time, runtime status, id prefix)."""
        return list_reply(self._engine, request)

    def _unless_running(self, instance_id: str) -> web.Response | None:
        """404 for an unknown instance, 410 for a finished one; None when it can still take a command."""
        status = self._engine.get_status(instance_id, show_input=False)
        if status is None:
            return empty_reply(404)
        return empty_reply(410) if runtime_status(status) in FINAL_STATES else None

    async def raise_event(self, request: web.Request) -> web.Response:
        """POST instances/{id}/raiseEvent/{name}: 404 unknown, 410 final, 400 non-JSON, else 202."""
        instance_id = request.match_info["instance_id"]
        if (refused := self._unless_running(instance_id)) is not None:
            return refused
        if request.content_type.lower() != "application/json":
            return error_reply(400, "Only application/json request content is supported")
        text = (await request.text()).strip() or "null"
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return error_reply(400, "Invalid JSON content", exc)
        try:
            await self._engine.raise_event(instance_id, request.match_info["event_name"], text)
        except InstanceNotFound:
            return empty_reply(404)
        return empty_reply(202)

    async def terminate(self, request: web.Request) -> web.Response:
        """POST instances/{id}/terminate?reason=: 404 unknown, 410 final, else 202."""
        instance_id = request.match_info["instance_id"]
        if (refused := self._unless_running(instance_id)) is not None:
            return refused
        try:
            await self._engine.terminate(instance_id, request.query.get("reason", ""))
        except InstanceNotRunning:
            return empty_reply(410)
        return empty_reply(202)

    async def purge(self, request: web.Request) -> web.Response:
        """DELETE instances/{id}: 404 unknown, else 200 {instancesDeleted}."""
        instance_id = request.match_info["instance_id"]
        if self._engine.get_status(instance_id, show_input=False) is None:
            return empty_reply(404)
        deleted = await self._engine.purge(instance_id)
        return json_reply(200, {"instancesDeleted": 1 if deleted else 0})
