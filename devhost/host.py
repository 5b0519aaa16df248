"""DevHost: the local Functions host (settings, broker, durable engine, HTTP, Service Bus triggers)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Self

from devhost.app.environment import EnvironmentOverlay
from devhost.app.functions import FunctionIndex
from devhost.app.loader import load_app
from devhost.app.settings import HostOptions, read_host_options, read_local_settings
from devhost.config import DevHostConfig
from devhost.durable import sdk_session
from devhost.durable.api import DurableHttpApi
from devhost.durable.binding import client_binding_json
from devhost.durable.clock import Clock, ShiftedClock, WallClock
from devhost.durable.engine import DurableEngine
from devhost.durable.wiring import activity_handlers, entity_handlers, orchestrator_handlers
from devhost.http.admin import AdminApi
from devhost.http.server import FunctionRoutes, HttpServer
from devhost.http.webhooks import WebhookReceiver
from devhost.identity import AuthRoutes, LocalIdentityProvider, easy_auth
from devhost.servicebus.broker import LocalServiceBusBroker
from devhost.servicebus.dispatch import TriggerDispatcher
from devhost.servicebus.hosting import start_broker, stop_broker, use_local_broker
from devhost.timers.dispatcher import TimerDispatcher, manual_run_route

log = logging.getLogger("devhost")


class DevHostNotStarted(RuntimeError):
    """The host has no HTTP server yet (start() not called or failed)."""


class DevHost:
    """Starts every part in dependency order and stops them in reverse; `async with DevHost(cfg) as host`."""

    def __init__(self, config: DevHostConfig) -> None:
        self.config = config
        self.clock: Clock = ShiftedClock() if config.virtual_clock else WallClock()
        self._env = EnvironmentOverlay()
        self._executor = ThreadPoolExecutor(thread_name_prefix="devhost-fn")
        self.broker: LocalServiceBusBroker | None = None
        self.index: FunctionIndex | None = None
        self.engine: DurableEngine | None = None
        self.server: HttpServer | None = None
        self.dispatchers: list[TriggerDispatcher] = []
        self.timers: list[TimerDispatcher] = []
        self.webhooks: WebhookReceiver | None = None
        self.identity: LocalIdentityProvider | None = None
        self._options = HostOptions()

    @property
    def base_url(self) -> str:
        """http://host:port of the HTTP server (valid once started)."""
        if self.server is None:
            raise DevHostNotStarted("DevHost is not started")
        return self.server.origin

    async def start(self) -> None:
        """Settings → broker → app index → engine → HTTP → Service Bus triggers."""
        cfg, app_dir = self.config, self.config.app_dir.resolve()
        cfg.state_dir.mkdir(parents=True, exist_ok=True)
        self._env.set(cfg.env, override=True)
        # As the platform does when App Service authentication is on (devhost always plays that part).
        self._env.set({"WEBSITE_AUTH_ENABLED": "True"}, override=False)
        self.identity = LocalIdentityProvider.load_or_create(cfg.state_dir)
        self._env.set(read_local_settings(app_dir), override=False)
        if cfg.broker:
            self.broker = await start_broker(cfg, app_dir)
            use_local_broker(self.broker, self._env)
        options = self._options = read_host_options(app_dir)
        self.index = load_app(app_dir)
        engine = DurableEngine(
            orchestrators=orchestrator_handlers(self.index.orchestrators),
            activities=activity_handlers(self.index.activities),
            entities=entity_handlers(self.index.entities),
            store_path=cfg.state_dir / "durable.sqlite3",
            clock=self.clock,
            task_hub=options.task_hub,
            max_concurrent_activities=options.max_concurrent_activities,
            versioning=options.versioning,
        )
        await engine.start()
        self.engine = engine
        await self._start_http(options)
        self._start_dispatchers(options)
        log.info("devhost ready on %s", self.base_url)

    async def _start_http(self, options: HostOptions) -> None:
        assert self.index is not None and self.engine is not None and self.identity is not None
        sdk_session.forget_foreign_session()
        functions = FunctionRoutes(
            self.index.http,
            route_prefix=options.route_prefix,
            executor=self._executor,
            client_binding=self._binding,
        )
        names = [f.function.name for f in self.index.http + self.index.service_bus]
        admin = AdminApi(
            clock=self.clock,
            engine=self.engine,
            busy=self._trigger_backlog,
            functions=names + [t.function.name for t in self.index.timers],
            state_dir=self.config.state_dir,
        )
        durable = DurableHttpApi(self.engine, options.task_hub)
        self.webhooks = WebhookReceiver(self.config.state_dir / "webhooks")
        auth = AuthRoutes(self.identity)
        timers = manual_run_route(lambda: self.timers)
        routes = [
            *admin.routes(),
            timers,
            *self.webhooks.routes(),
            *durable.routes(),
            *auth.routes(),
            functions.route(),
        ]
        self.server = HttpServer(routes, self.config.host, self.config.port, [easy_auth(self.identity)])
        await self.server.start()
        for line in functions.describe(self.server.origin):
            log.info("  %s", line)

    def _start_dispatchers(self, options: HostOptions) -> None:
        assert self.index is not None
        for target in self.index.service_bus:
            dispatcher = TriggerDispatcher(
                target,
                executor=self._executor,
                client_binding=self._binding,
                max_concurrent_calls=options.max_concurrent_calls,
                auto_complete=options.auto_complete_messages,
            )
            dispatcher.start()
            self.dispatchers.append(dispatcher)
        for timer in self.index.timers:
            schedule = TimerDispatcher(timer, clock=self.clock, executor=self._executor, client_binding=self._binding)
            schedule.start()
            self.timers.append(schedule)

    def _trigger_backlog(self) -> int:
        """Messages being handled, plus those still queued on a local subscription that has a trigger."""
        queued = 0
        if self.broker is not None:
            queued = sum(self.broker.active_count(d.topic, d.subscription) for d in self.dispatchers)
        return queued + sum(d.in_flight for d in self.dispatchers) + sum(t.in_flight for t in self.timers)

    def _binding(self) -> str:
        """The durable client binding JSON pointing at this server's management API."""
        return client_binding_json(self.base_url, self._options.task_hub)

    async def stop(self) -> None:
        """Triggers → HTTP → engine → broker; then restore the environment."""
        await asyncio.gather(*(d.stop() for d in self.dispatchers), *(t.stop() for t in self.timers))
        self.dispatchers.clear()
        self.timers.clear()
        if self.server is not None:
            await self.server.stop()
        await sdk_session.close_session()
        if self.engine is not None:
            await self.engine.stop()
            self.engine = None
        if self.broker is not None:
            await stop_broker(self.broker)
            self.broker = None
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._env.restore()
        log.info("devhost stopped")

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
