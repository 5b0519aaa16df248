"""The local stack under one state directory: PostgreSQL, Azurite, the MLflow store and ``env``.

Layout: ``pg/`` (data + socket), ``azurite/`` (data + log), ``azurite.json`` (pid and ports),
``mlflow/mlflow.db``, ``models/`` (MODEL_CACHE_DIR) and ``env`` (KEY=VALUE lines, unquoted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from devstack.azurite import AzuriteHandle, start_azurite
from devstack.postgres import running_postgres, start_postgres, stop_postgres
from devstack.tracking import init_tracking_store, tracking_uri

DEFAULT_STATE_DIR = Path(".stack")
DEFAULT_PORTS = (10000, 10001, 10002)  # Azurite's usual blob, queue and table ports
DATABASE = "mlops"


@dataclass(frozen=True)
class ServiceState:
    name: str
    up: bool
    detail: str


def up(state_dir: Path = DEFAULT_STATE_DIR, ports: tuple[int, int, int] = DEFAULT_PORTS) -> dict[str, str]:
    """Start what is not running (idempotent), wait until each answers, write ``env`` and return it."""
    state_dir = state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    postgres = start_postgres(state_dir / "pg", DATABASE)
    azurite = _running_azurite(state_dir) or _start_azurite(state_dir, ports)
    models = state_dir / "models"
    models.mkdir(exist_ok=True)
    env = {
        "DATABASE_URL": postgres.dsn,
        "BLOB_CONNECTION_STRING": azurite.connection_string,
        "MLFLOW_TRACKING_URI": init_tracking_store(state_dir / "mlflow"),
        "MODEL_CACHE_DIR": str(models),
    }
    (state_dir / "env").write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    return env


def down(state_dir: Path = DEFAULT_STATE_DIR) -> list[str]:
    """Stop the running services; returns the names of those stopped."""
    state_dir = state_dir.resolve()
    stopped = []
    azurite = _recorded_azurite(state_dir)
    if azurite is not None and azurite.healthy():
        azurite.stop()
        stopped.append("azurite")
    (state_dir / "azurite.json").unlink(missing_ok=True)
    if stop_postgres(state_dir / "pg"):
        stopped.append("postgres")
    return stopped


def status(state_dir: Path = DEFAULT_STATE_DIR) -> list[ServiceState]:
    """Each service's state, read from its pid file and a health check."""
    state_dir = state_dir.resolve()
    postgres = running_postgres(state_dir / "pg", DATABASE)
    azurite = _running_azurite(state_dir)
    mlflow_db = state_dir / "mlflow" / "mlflow.db"
    return [
        ServiceState("postgres", postgres is not None, postgres.dsn if postgres else "stopped"),
        ServiceState(
            "azurite",
            azurite is not None,
            f"pid {azurite.pid}, blob port {azurite.blob_port}" if azurite else "stopped",
        ),
        ServiceState(
            "mlflow",
            mlflow_db.exists(),
            tracking_uri(mlflow_db.parent) if mlflow_db.exists() else "not initialised",
        ),
    ]


def _recorded_azurite(state_dir: Path) -> AzuriteHandle | None:
    try:
        recorded = json.loads((state_dir / "azurite.json").read_text())
    except FileNotFoundError:
        return None
    return AzuriteHandle(
        recorded["pid"],
        state_dir / "azurite",
        recorded["blob_port"],
        recorded.get("queue_port"),
        recorded.get("table_port"),
    )


def _running_azurite(state_dir: Path) -> AzuriteHandle | None:
    handle = _recorded_azurite(state_dir)
    return handle if handle is not None and handle.healthy() else None


def _start_azurite(state_dir: Path, ports: tuple[int, int, int]) -> AzuriteHandle:
    blob, queue, table = ports
    handle = start_azurite(state_dir / "azurite", blob, queue_port=queue, table_port=table)
    recorded = {
        "pid": handle.pid,
        "blob_port": handle.blob_port,
        "queue_port": handle.queue_port,
        "table_port": handle.table_port,
    }
    (state_dir / "azurite.json").write_text(json.dumps(recorded))
    return handle
