"""Embedded PostgreSQL 16 from the ``pgserver`` wheel: Unix socket only, trust auth, user ``postgres``.

Run as root, pgserver creates a ``pgserver`` system user that owns the data directory (PostgreSQL
refuses to run as root). The server is detached: it outlives the process that started it.
"""

from __future__ import annotations

import asyncio
import re
import signal
import warnings
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from devstack.processes import ServiceError, pid_alive, stop_pid

T = TypeVar("T")
USER = "postgres"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class PostgresHandle:
    """A running server: ``dsn`` names ``database``; ``dsn_for`` names any other."""

    data_dir: Path
    socket_dir: Path
    pid: int
    database: str

    @property
    def dsn(self) -> str:
        return self.dsn_for(self.database)

    def dsn_for(self, database: str) -> str:
        """A DSN asyncpg (and libpq) accept: ``postgresql://postgres@/<db>?host=<socket dir>``."""
        return f"postgresql://{USER}@/{database}?host={self.socket_dir}"

    def stop(self) -> None:
        """Fast shutdown (SIGINT: disconnect clients, checkpoint), escalating if it hangs."""
        stop_postgres(self.data_dir)


def running_postgres(data_dir: Path, database: str = "mlops") -> PostgresHandle | None:
    """The server running on ``data_dir`` (from its ``postmaster.pid``), or None."""
    pid_file = data_dir.resolve() / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return None
    if len(lines) < 8 or lines[7].strip() != "ready" or not pid_alive(int(lines[0]), cmdline_contains="postgres"):
        return None
    return PostgresHandle(data_dir.resolve(), Path(lines[4].strip()), int(lines[0]), database)


def start_postgres(data_dir: Path, database: str = "mlops") -> PostgresHandle:
    """Start (or find running) the server on ``data_dir``, initialising it if new; create ``database``."""
    data_dir = data_dir.resolve()
    handle = running_postgres(data_dir, database)
    if handle is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            from pgserver import PostgresServer

        PostgresServer(data_dir, cleanup_mode=None)
        handle = running_postgres(data_dir, database)
        if handle is None:
            raise ServiceError(f"PostgreSQL did not start on {data_dir}; see {data_dir / 'log'}")
    create_database(handle.dsn_for("postgres"), database)
    return handle


def stop_postgres(data_dir: Path) -> bool:
    """Stop the server on ``data_dir``; returns False when none was running."""
    handle = running_postgres(data_dir)
    if handle is None:
        return False
    stop_pid(handle.pid, first=signal.SIGINT, grace=30.0)
    return True


def create_database(admin_dsn: str, name: str) -> bool:
    """Create database ``name`` unless it exists; returns whether it was created."""
    return _run(_create_database(admin_dsn, _checked(name)))


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop database ``name`` if it exists, disconnecting its sessions."""
    _run(_execute(admin_dsn, f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)'))


def _checked(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"database name must match {_IDENTIFIER.pattern}, got {name!r}")
    return name


async def _create_database(admin_dsn: str, name: str) -> bool:
    conn = await asyncpg.connect(admin_dsn)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        except asyncpg.DuplicateDatabaseError:
            return False
        return True
    finally:
        await conn.close()


async def _execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a private loop in a worker thread (safe even inside a running loop)."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()
