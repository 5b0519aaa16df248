"""The judge cache's shared half: verdicts by key in ``judge_cache``, readable by every instance."""

from __future__ import annotations

from typing import Any

import asyncpg

_SELECT = "SELECT key, value FROM judge_cache WHERE key = ANY($1::text[])"
_INSERT = "INSERT INTO judge_cache (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"


class JudgeCacheQueries:
    """The judge-cache half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def get_judge_verdicts(self, keys: list[str]) -> dict[str, Any]:
        """The stored values of those keys that have one."""
        rows = await self._pool.fetch(_SELECT, keys)
        return {row["key"]: row["value"] for row in rows}

    async def put_judge_verdict(self, key: str, value: Any) -> None:
        """Store a verdict; an existing one for the key is kept (same request, same answer)."""
        await self._pool.execute(_INSERT, key, value)
