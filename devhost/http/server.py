"""Serve the app's HTTP triggers under the route prefix, plus extra (management, admin) routes."""

from __future__ import annotations

import errno
import logging
import socket
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

from aiohttp import web
from aiohttp.typedefs import Middleware

from devhost.app.functions import HttpFunction
from devhost.app.invoke import invoke
from devhost.http.convert import to_func_request, to_web_response
from devhost.http.routes import RouteTable

log = logging.getLogger("devhost.http")


class FunctionRoutes:
    """Dispatches /<prefix>/... requests to the matching HTTP-triggered function."""

    def __init__(
        self,
        functions: Sequence[HttpFunction],
        *,
        route_prefix: str,
        executor: Executor,
        client_binding: Callable[[], str],
    ) -> None:
        self._functions = list(functions)
        self._table = RouteTable([(f.route, f.methods, f) for f in functions])
        self._prefix = route_prefix.strip("/")
        self._executor = executor
        self._client_binding = client_binding

    def describe(self, origin: str) -> list[str]:
        """One line per function, as `func start` lists them: name, methods and URL."""
        prefix = f"/{self._prefix}" if self._prefix else ""
        return [
            f"{f.function.name}: [{','.join(f.methods) or 'ANY'}] {origin}{prefix}/{f.route.strip('/')}"
            for f in self._functions
        ]

    def route(self) -> web.RouteDef:
        """The catch-all route under the prefix (register it after every fixed route); ``[\\s\\S]``, not ``.``:
        a path with an encoded newline is still the app's to answer (404 from the table, as the host does)."""
        path = f"/{self._prefix}/{{tail:[\\s\\S]*}}" if self._prefix else "/{tail:[\\s\\S]*}"
        return web.route("*", path, self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Match, convert, invoke; 404 when nothing matches, 500 with a JSON body when the function fails."""
        found = self._table.resolve(request.match_info["tail"], request.method)
        if found is None:
            return web.Response(status=404)
        target, route_values = found
        name = target.function.name
        # The route template, not the path: a path may carry a credential (a signed link's token).
        log.info("Executing 'Functions.%s' (%s /%s/%s)", name, request.method, self._prefix, target.route.strip("/"))
        try:
            func_request = await to_func_request(request, route_values)
            result = await invoke(
                target.function,
                func_request,
                client_binding=self._client_binding() if target.function.client_param else None,
                executor=self._executor,
            )
            response = to_web_response(result)
        except Exception as exc:
            log.error("Executed 'Functions.%s' (Failed)\n%s", name, traceback.format_exc())
            return web.json_response(
                {"error": f"{type(exc).__name__}: {exc}", "function": name},
                status=500,
            )
        log.info("Executed 'Functions.%s' (Succeeded, status=%s)", name, response.status)
        return response


class PortInUseError(RuntimeError):
    """The HTTP port is taken (by another devhost or any other program): never shared, never reused."""


class HttpServer:
    """An aiohttp server bound to host:port (port 0 picks a free one)."""

    def __init__(
        self, routes: Sequence[web.RouteDef], host: str, port: int, middlewares: Sequence[Middleware] = ()
    ) -> None:
        self._app = web.Application(client_max_size=100 * 1024 * 1024, middlewares=list(middlewares))
        self._app.add_routes(routes)
        self._host, self._requested_port = host, port
        self._runner: web.AppRunner | None = None
        self.port = port

    @property
    def origin(self) -> str:
        """http://host:port of the bound server."""
        return f"http://{self._host}:{self.port}"

    async def start(self) -> None:
        """Bind and start serving."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self._host, self._requested_port))
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            raise PortInUseError(
                f"HTTP port {self._requested_port} on {self._host} is already in use (another devhost or another "
                "program): stop it or pass --port"
            ) from exc
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(self._app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Stop accepting and close connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
