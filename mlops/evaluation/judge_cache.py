"""Cache of judge answers keyed by (model, request), so re-scoring the same answers costs no calls.

A per-evaluation memory layer in front of an optional shared store: in the app that is the run
store's PostgreSQL table ``judge_cache``, so every Functions instance and every batch activity
(and an activity's retry) reuses a verdict any of them paid for. The key is a SHA-256 of the model
name and the canonical JSON of everything sent that shapes the answer (prompt, n, temperature,
stop), so a changed prompt never reuses a stale verdict.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol


def cache_key(model: str, request: dict[str, Any]) -> str:
    """Stable key of one judge request."""
    canonical = json.dumps({"model": model, **request}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class SharedJudgeCache(Protocol):
    """Where verdicts outlive one evaluation (RunStore implements it)."""

    async def get_judge_verdicts(self, keys: list[str]) -> dict[str, Any]: ...

    async def put_judge_verdict(self, key: str, value: Any) -> None: ...


class JudgeCache:
    """Get/put of JSON values by key; hits and misses are counted."""

    def __init__(self, shared: SharedJudgeCache | None = None) -> None:
        self._memory: dict[str, Any] = {}
        self._shared = shared
        self.hits = 0
        self.misses = 0

    async def get(self, key: str) -> Any | None:
        """The cached value, or None."""
        return (await self.get_many([key]))[0]

    async def get_many(self, keys: list[str]) -> list[Any | None]:
        """The cached values of keys (None where absent), with one shared-store query for the misses."""
        absent = [key for key in dict.fromkeys(keys) if key not in self._memory]
        if absent and self._shared is not None:
            self._memory.update(await self._shared.get_judge_verdicts(absent))
        values = [self._memory.get(key) for key in keys]
        found = sum(value is not None for value in values)
        self.hits += found
        self.misses += len(values) - found
        return values

    def peek(self, key: str) -> Any | None:
        """The value already in memory (a sync read for RAGAS' sync callbacks), or None."""
        return self._memory.get(key)

    async def put(self, key: str, value: Any) -> None:
        """Store a value (first writer wins in the shared store; both writers computed the same request)."""
        self._memory[key] = value
        if self._shared is not None:
            await self._shared.put_judge_verdict(key, value)
