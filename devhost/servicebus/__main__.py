"""`python -m devhost.servicebus`: run the local Service Bus broker in the foreground until SIGINT/SIGTERM."""

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from devhost.servicebus.broker import LocalServiceBusBroker
from devhost.servicebus.config import load_topology
from devhost.servicebus.errors import ServiceBusLocalError


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devhost.servicebus", description=__doc__)
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("infra/servicebus/Config.json"),
        help="emulator-format Config.json (default: %(default)s)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default: %(default)s)")
    parser.add_argument("--port", type=int, default=5672, help="AMQP port, 0 = free (default: %(default)s)")
    parser.add_argument("--store", type=Path, default=None, help="SQLite file that keeps messages on restart")
    parser.add_argument("--log-level", default="INFO", help="logging level (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the broker, print its connection string, serve until SIGINT/SIGTERM; 0 on a clean stop."""
    args = _arguments(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        broker = LocalServiceBusBroker(load_topology(args.config), args.host, args.port, args.store)
        broker.start()
    except ServiceBusLocalError as exc:
        print(f"local Service Bus broker: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(broker.connection_string, flush=True)
    stop.wait()
    broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
