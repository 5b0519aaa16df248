"""`python -m devhost`: run the Function App locally until SIGINT/SIGTERM (the `func start` stand-in)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from devhost.app.functions import AppLoadError, FunctionLoadError
from devhost.app.settings import SettingsError
from devhost.config import DevHostConfig
from devhost.host import DevHost
from devhost.http.server import PortInUseError
from devhost.servicebus.errors import ServiceBusLocalError

# A broken app or a busy port: one line and exit code 2, the traceback only with --log-level DEBUG.
STARTUP_ERRORS = (AppLoadError, FunctionLoadError, SettingsError, PortInUseError, ServiceBusLocalError)


def parse_args(argv: list[str] | None = None) -> DevHostConfig:
    """Command-line options → DevHostConfig."""
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    parser.add_argument("--app-dir", type=Path, default=Path("."), help="directory holding function_app.py")
    parser.add_argument("--host", default="127.0.0.1", help="interface for HTTP and the broker")
    parser.add_argument("--port", type=int, default=7071, help="HTTP port (0 = any free port)")
    parser.add_argument("--state-dir", type=Path, default=Path(".stack/devhost"), help="task hub + broker store")
    parser.add_argument("--broker-port", type=int, default=5672, help="AMQP port of the local broker")
    parser.add_argument("--broker-config", type=Path, default=None, help="emulator Config.json (default infra/...)")
    parser.add_argument("--no-broker", action="store_true", help="use the ServiceBusConnection setting as is")
    parser.add_argument("--virtual-clock", action="store_true", help="time moves only via /admin/clock/advance")
    parser.add_argument("--log-level", default="INFO", help="logging level")
    args = parser.parse_args(argv)
    configure_logging(args.log_level.upper())
    return DevHostConfig(
        app_dir=args.app_dir,
        host=args.host,
        port=args.port,
        state_dir=args.state_dir,
        broker=not args.no_broker,
        broker_port=args.broker_port,
        broker_config=args.broker_config,
        virtual_clock=args.virtual_clock,
    )


def configure_logging(level: str) -> None:
    """Host-style console logging; SDK connection chatter only when debugging."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        for noisy in ("azure", "proton"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


async def serve(config: DevHostConfig) -> None:
    """Run the host until SIGINT or SIGTERM, then stop every part cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with DevHost(config):
        await stop.wait()
        logging.getLogger("devhost").info("shutting down")


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    config = parse_args(argv)
    try:
        asyncio.run(serve(config))
    except STARTUP_ERRORS as exc:
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            raise
        print(f"devhost: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
