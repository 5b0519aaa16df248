"""Cache of judge answers keyed by (model, request), so re-scoring the same answers costs no calls.

A per-evaluation memory layer in front of an optional shared store: in the app that is the run
store's PostgreSQL table ``judge_cache``, so every Functions instance and every batch activity
(and an activity's retry) reuses a verdict any of them paid for. The key is a SHA-256 of the model
name and the canonical JSON of everything sent that shapes the answer (prompt, n, temperature,
stop), so a changed prompt never reuses a stale verdict.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
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
        self._pending: dict[str, asyncio.Future[Any]] = {}
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

    async def get_or_compute(self, key: str, compute: Callable[[], Awaitable[Any]]) -> tuple[Any, bool]:
        """(value, whether it was cached): the cached value of key, else compute()'s, stored. Concurrent
        callers of one key share one compute(): identical cells in flight make one judge call, not several."""
        value = self._pending.get(key) or await self.get(key)
        if isinstance(value, asyncio.Future):
            return await asyncio.shield(value), True
        if value is not None:
            return value, True
        if key in self._pending:  # another caller started it while we read the shared store
            return await asyncio.shield(self._pending[key]), True
        future = self._pending[key] = asyncio.get_running_loop().create_future()
        try:
            value = await compute()
            await self.put(key, value)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: the callers waiting on it, if any, raise it themselves
            raise
        else:
            future.set_result(value)
        finally:
            del self._pending[key]
        return value, False

    def peek(self, key: str) -> Any | None:
        """The value already in memory (a sync read for RAGAS' sync callbacks), or None."""
        return self._memory.get(key)

    async def put(self, key: str, value: Any) -> None:
        """Store a value (first writer wins in the shared store; both writers computed the same request)."""
        self._memory[key] = value
        if self._shared is not None:
            await self._shared.put_judge_verdict(key, value)
