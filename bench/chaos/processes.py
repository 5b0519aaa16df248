"""The stack the chaos run breaks: embedded PostgreSQL and Azurite (devstack), the broker and devhost as
their own processes, so each can be killed and started again on the same ports and state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack import free_port
from devstack.postgres import start_postgres, stop_postgres
from devstack.processes import port_open
from devstack.stack import DATABASE, up
from mlops.settings import SERVICEBUS_TOPIC

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 180.0


def _wait(ready: Callable[[], bool], what: str, child: Child) -> None:
    """Until ready() or the timeout; at once when the child has exited (its log's tail says why)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready():
        exited = child.process is not None and child.process.poll() is not None
        if exited or time.monotonic() > deadline:
            tail = child.log.read_text()[-2000:] if child.log.exists() else ""
            raise RuntimeError(f"{what} {'exited' if exited else 'did not become ready'}\n{tail}")
        time.sleep(0.2)


@dataclass
class Child:
    """A subprocess started again with the same command line, logging to one file."""

    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs (the crash a host or VM loss causes)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)


@dataclass
class Stack:
    """PostgreSQL, Azurite, MLflow store, the broker and devhost for one chaos run under ``state``."""

    state: Path
    env: dict[str, str] = field(default_factory=dict)
    broker: Child | None = None
    devhost: Child | None = None
    port: int = 0
    broker_port: int = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, app_settings: dict[str, str]) -> None:
        self.env = up(self.state / "stack", (free_port(), free_port(), free_port()))
        self.port, self.broker_port = free_port(), free_port()
        python, base = sys.executable, {**os.environ, **self.env, **app_settings}
        config = str(ROOT / "infra" / "servicebus" / "Config.json")
        store = str(self.state / "broker.sqlite3")
        broker_argv = [python, "-m", "devhost.servicebus", "--config", config, "--port", str(self.broker_port)]
        self.broker = Child([*broker_argv, "--store", store], base, self.state / "broker.log")
        connection = (
            f"Endpoint=sb://127.0.0.1:{self.broker_port};SharedAccessKeyName=RootManageSharedAccessKey;"
            "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
        )
        host_env = {
            "SERVICEBUS_TOPIC": SERVICEBUS_TOPIC.default,  # the triggers bind %SERVICEBUS_TOPIC%
            **base,
            "ServiceBusConnection": connection,
            "PUBLIC_BASE_URL": self.origin,
            "TEAMS_WEBHOOK_URL": f"{self.origin}/admin/webhooks/teams",
        }
        argv = [python, "-m", "devhost", "--port", str(self.port), "--state-dir", str(self.state / "devhost")]
        self.devhost = Child([*argv, "--no-broker", "--log-level", "WARNING"], host_env, self.state / "devhost.log")
        self.start_broker()
        self.start_devhost()

    def start_broker(self) -> None:
        assert self.broker is not None
        self.broker.start()
        _wait(lambda: port_open("127.0.0.1", self.broker_port), "the broker", self.broker)

    def start_devhost(self) -> None:
        assert self.devhost is not None
        self.devhost.start()
        _wait(self._devhost_up, "devhost", self.devhost)

    def _devhost_up(self) -> bool:
        try:
            return httpx.get(f"{self.origin}/admin/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def restart_postgres(self, down_s: float) -> None:
        stop_postgres(self.state / "stack" / "pg")
        time.sleep(down_s)
        start_postgres(self.state / "stack" / "pg", DATABASE)

    def stop(self) -> None:
        for child in (self.devhost, self.broker):
            if child is not None:
                child.kill()
        from devstack.stack import down

        down(self.state / "stack")
