"""The sqlite file behind one task hub: schema, one shared connection, atomic transactions."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_TABLES = ("instances", "history", "inbox", "work", "parents", "entities", "entity_ops")
_HUB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,44}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS {p}instances (
  instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, execution_id TEXT NOT NULL, status TEXT NOT NULL,
  input TEXT, output TEXT, custom_status TEXT, created_time TEXT NOT NULL, last_updated_time TEXT NOT NULL,
  ledger TEXT NOT NULL, version TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS {p}history (
  instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (instance_id, seq));
CREATE TABLE IF NOT EXISTS {p}inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, kind TEXT NOT NULL,
  visible_at TEXT NOT NULL, timer_id INTEGER, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS {p}inbox_due ON {p}inbox (visible_at);
CREATE INDEX IF NOT EXISTS {p}inbox_instance ON {p}inbox (instance_id);
CREATE TABLE IF NOT EXISTS {p}parents (
  instance_id TEXT PRIMARY KEY, parent_id TEXT NOT NULL, task_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS {p}entities (
  entity_id TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, state TEXT, last_modified TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {p}entity_ops (
  id INTEGER PRIMARY KEY AUTOINCREMENT, entity_id TEXT NOT NULL, operation TEXT NOT NULL, input TEXT,
  request_id TEXT, caller TEXT);
CREATE TABLE IF NOT EXISTS {p}work (
  id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, task_id INTEGER NOT NULL,
  name TEXT NOT NULL, input TEXT);
"""


class Database:
    """A task hub's tables ({hub}_instances, _history, _inbox, _work, ...) in one sqlite file."""

    def __init__(self, path: Path, hub: str) -> None:
        if not _HUB_NAME.match(hub):
            raise ValueError(f"invalid task hub name {hub!r}: 3-45 letters or digits, starting with a letter")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._prefix = f"{hub}_"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA.format(p=self._prefix))
        self._add_version_column()

    def close(self) -> None:
        """Close the connection; the file keeps everything committed."""
        with self._lock:
            self._conn.close()

    def _add_version_column(self) -> None:
        """A task hub written before versioning existed: its instances get the empty (oldest) version."""
        table = f"{self._prefix}instances"
        columns = {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}
        if "version" not in columns:
            self._conn.execute(f"ALTER TABLE {table} ADD COLUMN version TEXT NOT NULL DEFAULT ''")

    def sql(self, statement: str) -> str:
        """Expand {instances}, {history}, {inbox}, {work}, ... (_TABLES) to this hub's table names."""
        p = self._prefix
        names = {table: f"{p}{table}" for table in _TABLES}
        return statement.format(**names)

    def rows(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run a query outside any explicit transaction and return all rows."""
        with self._lock:
            return self._conn.execute(self.sql(statement), params).fetchall()

    @contextmanager
    def tx(self) -> Iterator[Transaction]:
        """One atomic write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any exception)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _run(self, statement: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        return self._conn.execute(self.sql(statement), params)


class Transaction:
    """Statements executed inside Database.tx()."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def run(self, statement: str, *params: Any) -> int:
        """Execute a statement and return the number of rows it changed."""
        return self._db._run(statement, params).rowcount

    def rows(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Query inside the transaction."""
        return self._db._run(statement, params).fetchall()
