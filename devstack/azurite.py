"""Azurite (the Azure Storage emulator) from ``npm ci``: blob only, or blob + queue + table.

Ports may be 0: Azurite then binds free ports and prints them, and the handle reports them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import ServiceError, log_tail, pid_alive, port_open, stop_pid, wait_until

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# Azurite's well-known development account and key, published in Microsoft's Azurite documentation
# and identical in every installation: a public development value, not a secret.
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_LISTENING = re.compile(r"Azurite (Blob|Queue|Table) service (?:is )?successfully listen\w* (?:at|on) \S+:(\d+)")
LOG_NAME = "azurite.log"


def connection_string(blob_port: int, queue_port: int | None = None, table_port: int | None = None) -> str:
    """The dev account's connection string for the given local endpoints."""
    parts = ["DefaultEndpointsProtocol=http", f"AccountName={DEV_ACCOUNT}", f"AccountKey={DEV_KEY}"]
    for service, port in (("Blob", blob_port), ("Queue", queue_port), ("Table", table_port)):
        if port is not None:
            parts.append(f"{service}Endpoint=http://{HOST}:{port}/{DEV_ACCOUNT}")
    return ";".join(parts) + ";"


@dataclass(frozen=True)
class AzuriteHandle:
    """A running Azurite: its ports, pid and ``connection_string``; ``stop()`` ends it."""

    pid: int
    location: Path
    blob_port: int
    queue_port: int | None = None
    table_port: int | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, compare=False, repr=False)

    @property
    def connection_string(self) -> str:
        return connection_string(self.blob_port, self.queue_port, self.table_port)

    def healthy(self) -> bool:
        """Whether the process runs and the blob endpoint accepts connections."""
        return pid_alive(self.pid, cmdline_contains="azurite") and port_open(HOST, self.blob_port)

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and reap it when this process started it."""
        stop_pid(self.pid, grace=10.0)
        if self.process is not None:
            self.process.wait()


def azurite_bin(name: str = "azurite", root: Path = REPO_ROOT) -> Path:
    """The npm-installed launcher; ServiceError says to run ``npm ci`` (or install Node.js) when missing."""
    path = root / "node_modules" / ".bin" / name
    if not path.exists():
        raise ServiceError(f"Azurite is not installed ({path} is missing): run `npm ci` in {root}")
    if shutil.which("node") is None:
        raise ServiceError("Azurite needs Node.js 20 (`node` is not on PATH)")
    return path


def start_azurite(
    location: Path,
    blob_port: int = 0,
    *,
    queue_port: int | None = None,
    table_port: int | None = None,
    timeout: float = 60.0,
) -> AzuriteHandle:
    """Start Azurite with its data in ``location``: blob only, or all three services when queue and
    table ports are given (``func start`` needs them). Returns once every service listens."""
    location = location.resolve()
    location.mkdir(parents=True, exist_ok=True)
    full = queue_port is not None and table_port is not None
    args = [
        str(azurite_bin("azurite" if full else "azurite-blob")),
        "--blobHost",
        HOST,
        "--blobPort",
        str(blob_port),
    ]
    if full:
        args += ["--queueHost", HOST, "--queuePort", str(queue_port), "--tableHost", HOST]
        args += ["--tablePort", str(table_port)]
    args += [
        "--location",
        str(location),
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--loose",
        "--silent",
    ]
    log = location / LOG_NAME
    with log.open("wb") as out:  # the child keeps its own descriptor
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=location, start_new_session=True)
    wanted = {"Blob", "Queue", "Table"} if full else {"Blob"}
    if not wait_until(lambda: wanted <= _ports(log).keys() or process.poll() is not None, timeout):
        process.kill()
        process.wait()
        raise ServiceError(f"Azurite did not listen within {timeout:.0f} s:\n{log_tail(log)}")
    if process.poll() is not None:
        raise ServiceError(f"Azurite exited with {process.returncode}:\n{log_tail(log)}")
    ports = _ports(log)
    return AzuriteHandle(process.pid, location, ports["Blob"], ports.get("Queue"), ports.get("Table"), process)


def _ports(log: Path) -> dict[str, int]:
    text = log.read_text(errors="replace") if log.exists() else ""
    return {service: int(port) for service, port in _LISTENING.findall(text)}
