"""POST instances/{id}/suspend|resume|restart|rewind: the extension's instance commands over the engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from devhost.durable.binding import DEFAULT_CONNECTION
from devhost.durable.engine import DurableEngine
from devhost.durable.errors import InstanceAlreadyExists, InstanceNotFound, InstanceNotRunning
from devhost.durable.replies import check_status_reply, empty_reply, error_reply, query_flag

REWIND_UNSUPPORTED = (
    "rewind is not supported by devhost: the extension offers it only as a preview for failed instances "
    "on the Azure Storage provider; restart the instance instead (restartPostUri)"
)


class InstanceCommands:
    """Suspend and resume (202, 404 unknown, 410 final), restart (202 check-status), rewind (501, said why)."""

    def __init__(self, engine: DurableEngine, task_hub: str) -> None:
        self._engine, self._task_hub = engine, task_hub

    def routes(self, base: str) -> list[web.RouteDef]:
        """aiohttp route definitions under the management API's base path."""
        return [
            web.post(base + "/instances/{instance_id}/suspend", self.suspend),
            web.post(base + "/instances/{instance_id}/resume", self.resume),
            web.post(base + "/instances/{instance_id}/restart", self.restart),
            web.post(base + "/instances/{instance_id}/rewind", self.rewind),
        ]

    async def suspend(self, request: web.Request) -> web.Response:
        """Suspend: episodes stop, messages wait; the status reads Suspended."""
        return await self._command(request, self._engine.suspend)

    async def resume(self, request: web.Request) -> web.Response:
        """Resume: whatever arrived while suspended is delivered."""
        return await self._command(request, self._engine.resume)

    async def restart(self, request: web.Request) -> web.Response:
        """Restart with the original input; restartWithNewInstanceId (default true) picks the id."""
        new_id = query_flag(request, "restartWithNewInstanceId", True)
        try:
            started = await self._engine.restart(request.match_info["instance_id"], new_id)
        except InstanceNotFound:
            return empty_reply(404)
        except InstanceAlreadyExists as exc:
            return error_reply(409, "An orchestration with this instance id is still running", exc)
        connection = request.query.get("connection") or DEFAULT_CONNECTION
        return check_status_reply(request, started, self._task_hub, connection)

    async def rewind(self, request: web.Request) -> web.Response:
        """Not run locally: a 501 that says so, never a silent 404."""
        if self._engine.get_status(request.match_info["instance_id"], show_input=False) is None:
            return empty_reply(404)
        return error_reply(501, REWIND_UNSUPPORTED)

    async def _command(self, request: web.Request, command: Callable[[str, str], Awaitable[None]]) -> web.Response:
        try:
            await command(request.match_info["instance_id"], request.query.get("reason", ""))
        except InstanceNotFound:
            return empty_reply(404)
        except InstanceNotRunning:
            return empty_reply(410)
        return empty_reply(202)
