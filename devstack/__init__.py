"""Local stand-ins for the platform's services, from pip and npm installs only (no Docker).

Programmatic API (tests, scripts): ``start_postgres(dir)``, ``start_azurite(dir, port)``,
``init_tracking_store(dir)``; the CLI (``python -m devstack up|down|status|env``) wraps ``stack``.
"""

from devstack.azurite import DEV_ACCOUNT, DEV_KEY, AzuriteHandle, connection_string, start_azurite
from devstack.postgres import (
    PostgresHandle,
    create_database,
    drop_database,
    running_postgres,
    start_postgres,
    stop_postgres,
)
from devstack.processes import ServiceError, free_port
from devstack.stack import ServiceState, down, status, up
from devstack.tracking import init_tracking_store, tracking_uri

__all__ = [
    "DEV_ACCOUNT",
    "DEV_KEY",
    "AzuriteHandle",
    "PostgresHandle",
    "ServiceError",
    "ServiceState",
    "connection_string",
    "create_database",
    "down",
    "drop_database",
    "free_port",
    "init_tracking_store",
    "running_postgres",
    "start_azurite",
    "start_postgres",
    "status",
    "stop_postgres",
    "tracking_uri",
    "up",
]
