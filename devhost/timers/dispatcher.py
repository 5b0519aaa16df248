"""Timer-triggered functions: fired on their NCRONTAB schedule by the host's clock, one run at a time,
and on demand through ``POST /admin/functions/{name}`` (the Functions host's admin API)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Executor

from aiohttp import web
from azure.functions.timer import TimerRequest

from devhost.app.functions import TimerFunction
from devhost.app.invoke import invoke
from devhost.app.settings import resolve_setting_refs
from devhost.durable.clock import Clock
from devhost.timers.ncrontab import Schedule

log = logging.getLogger("devhost.timers")
POLL_S = 0.5


class TimerDispatcher:
    """Fires one timer function whenever the clock passes its next occurrence."""

    def __init__(
        self, target: TimerFunction, *, clock: Clock, executor: Executor, client_binding: Callable[[], str]
    ) -> None:
        self.name = target.function.name
        self._target, self._clock, self._executor, self._client_binding = target, clock, executor, client_binding
        self._schedule = Schedule.parse(resolve_setting_refs(target.schedule))
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self.in_flight = 0

    def start(self) -> None:
        """Start following the schedule in the background."""
        self._runner = asyncio.create_task(self._run(), name=f"timer-{self.name}")

    async def stop(self) -> None:
        """Stop following the schedule; a run in progress finishes first."""
        self._stop.set()
        if self._runner is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner

    async def fire(self, past_due: bool = False) -> None:
        """Invoke the function once (never two runs of it at the same time); a failure is logged."""
        async with self._lock:
            self.in_flight += 1
            try:
                binding = self._client_binding() if self._target.function.client_param else None
                request = TimerRequest(past_due=past_due)
                await invoke(self._target.function, request, client_binding=binding, executor=self._executor)
            except Exception:
                log.exception("timer function %s failed", self.name)
            finally:
                self.in_flight -= 1

    async def _run(self) -> None:
        if self._target.run_on_startup:
            await self.fire()
        due = self._schedule.next_after(self._clock.now())
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), POLL_S)
            now = self._clock.now()
            if now >= due and not self._stop.is_set():
                await self.fire(past_due=(now - due).total_seconds() > 60)
                due = self._schedule.next_after(self._clock.now())


def manual_run_route(dispatchers: Callable[[], list[TimerDispatcher]]) -> web.RouteDef:
    """``POST /admin/functions/{name}``: run a timer function now (202), 404 for an unknown one."""

    async def run(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        target = next((d for d in dispatchers() if d.name.lower() == name.lower()), None)
        if target is None:
            return web.json_response({"error": f"no timer function {name!r}"}, status=404)
        await target.fire()
        return web.Response(status=202)

    return web.post("/admin/functions/{name}", run)
