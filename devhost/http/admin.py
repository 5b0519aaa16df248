"""Admin routes for tests and operators: health, the (virtual) clock, waiting until the host is idle."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from devhost.durable.clock import Clock, VirtualClock
from devhost.durable.engine import DurableEngine

MAX_IDLE_WAIT_S = 600.0


class AdminApi:
    """GET /admin/health, GET /admin/clock, POST /admin/clock/advance, POST /admin/idle?timeout=."""

    def __init__(
        self,
        *,
        clock: Clock,
        engine: DurableEngine,
        busy: Callable[[], int],
        functions: Sequence[str],
        state_dir: Path,
    ) -> None:
        self._clock, self._engine, self._busy = clock, engine, busy
        self._functions = list(functions)
        self._state_dir = str(state_dir.resolve())

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions."""
        return [
            web.get("/admin/health", self.health),
            web.get("/admin/clock", self.clock),
            web.post("/admin/clock/advance", self.advance),
            web.post("/admin/idle", self.idle),
        ]

    async def health(self, request: web.Request) -> web.Response:
        """Liveness, the indexed function names, and who this host is (a launcher checks it runs its own)."""
        return web.json_response(
            {"status": "ok", "functions": self._functions, "pid": os.getpid(), "state_dir": self._state_dir}
        )

    async def clock(self, request: web.Request) -> web.Response:
        """The engine's current time and whether it is virtual."""
        return self._clock_reply()

    async def advance(self, request: web.Request) -> web.Response:
        """Move the virtual clock forward by {"seconds": N}; 409 unless started with --virtual-clock."""
        if not isinstance(self._clock, VirtualClock):
            return web.json_response({"error": "devhost was not started with --virtual-clock"}, status=409)
        try:
            seconds = float((await request.json())["seconds"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            return web.json_response({"error": 'expected a JSON body {"seconds": N}'}, status=400)
        if seconds < 0:
            return web.json_response({"error": "seconds must not be negative"}, status=400)
        self._clock.advance(timedelta(seconds=seconds))
        return self._clock_reply()

    async def idle(self, request: web.Request) -> web.Response:
        """Wait until the engine has no runnable work and no trigger message is queued or in flight."""
        try:
            wait_s = min(float(request.query.get("timeout", "30")), MAX_IDLE_WAIT_S)
        except ValueError:
            return web.json_response({"error": "timeout must be a number of seconds"}, status=400)
        idle = await self._wait_idle(wait_s)
        return web.json_response({"idle": idle}, status=200 if idle else 504)

    async def _wait_idle(self, wait_s: float) -> bool:
        """Engine idle and no trigger work, seen twice in a row (50 ms apart) before the deadline."""
        deadline = time.monotonic() + wait_s
        quiet_before = False
        while True:
            try:
                await self._engine.wait_idle(max(deadline - time.monotonic(), 0.0))
            except TimeoutError:
                return False
            quiet = self._busy() == 0
            if quiet and quiet_before:
                return True
            if time.monotonic() >= deadline:
                return False
            quiet_before = quiet
            await asyncio.sleep(0.05)

    def _clock_reply(self) -> web.Response:
        virtual = isinstance(self._clock, VirtualClock)
        return web.json_response({"now": self._clock.now().isoformat(), "virtual": virtual})
