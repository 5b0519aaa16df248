"""``python -m devstack up|down|status|env [--state-dir .stack]``: the local services, no Docker."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from devstack import stack
from devstack.processes import ServiceError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status", "env"))
    parser.add_argument("--state-dir", type=Path, default=stack.DEFAULT_STATE_DIR)
    blob, queue, table = stack.DEFAULT_PORTS
    parser.add_argument("--blob-port", "--azurite-port", type=int, default=blob, help="0 picks a free port")
    parser.add_argument("--queue-port", type=int, default=queue)
    parser.add_argument("--table-port", type=int, default=table)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; ``status`` exits 1 when a service is down, ``env`` prints shell exports."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            env = stack.up(args.state_dir, (args.blob_port, args.queue_port, args.table_port))
            print(f"stack up; environment in {args.state_dir / 'env'}")
            for key, value in env.items():
                print(f"  {key}={value}")
        elif args.command == "down":
            stopped = stack.down(args.state_dir)
            print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")
        elif args.command == "env":
            for line in (args.state_dir / "env").read_text().splitlines():
                key, _, value = line.partition("=")
                print(f"export {key}={shlex.quote(value)}")
        else:
            states = stack.status(args.state_dir)
            for state in states:
                print(f"{state.name:<9} {'up' if state.up else 'down':<5} {state.detail}")
            return 0 if all(state.up for state in states) else 1
    except (ServiceError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
