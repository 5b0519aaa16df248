"""Cache of judge answers keyed by (model, request), so re-scoring the same answers costs no calls.

SQLite on local disk (stdlib, safe across processes); None as the path keeps it in memory only.
The key is a SHA-256 of the model name and the canonical JSON of everything sent that shapes
the answer (prompt, n, temperature, stop), so a changed prompt never reuses a stale verdict.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

_SCHEMA = "CREATE TABLE IF NOT EXISTS judge_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def cache_key(model: str, request: dict[str, Any]) -> str:
    """Stable key of one judge request."""
    canonical = json.dumps({"model": model, **request}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class JudgeCache:
    """Get/put of JSON values by key; hits and misses are counted."""

    def __init__(self, path: Path | None) -> None:
        self._memory: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any | None:
        """The cached value, or None."""
        with self._lock:
            value = self._memory.get(key)
            if value is None and self._db is not None:
                row = self._db.execute("SELECT value FROM judge_cache WHERE key = ?", (key,)).fetchone()
                value = None if row is None else json.loads(row[0])
                if value is not None:
                    self._memory[key] = value
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
            return value

    def put(self, key: str, value: Any) -> None:
        """Store a value (last writer wins; both writers computed the same request)."""
        with self._lock:
            self._memory[key] = value
            if self._db is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO judge_cache (key, value) VALUES (?, ?)", (key, json.dumps(value))
                )

    def close(self) -> None:
        """Close the database (the memory layer stays usable)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
