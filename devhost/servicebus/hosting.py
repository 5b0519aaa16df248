"""The local Service Bus broker of a DevHost: start/stop it, point ServiceBusConnection at it."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from devhost.app.environment import EnvironmentOverlay
from devhost.config import DevHostConfig
from devhost.servicebus.broker import LocalServiceBusBroker
from devhost.servicebus.config import load_topology

log = logging.getLogger("devhost")
DEFAULT_TOPOLOGY = Path("infra/servicebus/Config.json")
SERVICEBUS_SETTING = "ServiceBusConnection"


async def start_broker(config: DevHostConfig, app_dir: Path) -> LocalServiceBusBroker:
    """Serve the emulator-format topology (default infra/servicebus/Config.json), stored in the state dir."""
    topology = load_topology(config.broker_config or app_dir / DEFAULT_TOPOLOGY)
    broker = LocalServiceBusBroker(topology, config.host, config.broker_port, config.state_dir / "servicebus.sqlite3")
    await asyncio.to_thread(broker.start)
    return broker


async def stop_broker(broker: LocalServiceBusBroker) -> None:
    """Stop the reactor thread without blocking the event loop."""
    await asyncio.to_thread(broker.stop)


def use_local_broker(broker: LocalServiceBusBroker, env: EnvironmentOverlay) -> None:
    """Point ServiceBusConnection at the broker unless already set (then warn if it differs)."""
    applied = env.set({SERVICEBUS_SETTING: broker.connection_string}, override=False)
    if not applied and os.environ[SERVICEBUS_SETTING] != broker.connection_string:
        log.warning("%s is set and used as is; the local broker is %s", SERVICEBUS_SETTING, broker.connection_string)
