"""The shared token buckets' half of RunStore: take one request and some tokens, or learn how long to wait."""

from __future__ import annotations

import asyncpg

from mlops.evaluation.rate_limit import RateLimit

_CREATE = "INSERT INTO rate_buckets (name, requests, tokens) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"
_LOCK = "SELECT requests, tokens, updated_at FROM rate_buckets WHERE name = $1 FOR UPDATE"
_NOW = "SELECT clock_timestamp()"  # read once the lock is held: a waiter's refill counts from then
_UPDATE = "UPDATE rate_buckets SET requests = $2, tokens = $3, updated_at = $4 WHERE name = $1"
_DEBIT = "UPDATE rate_buckets SET tokens = tokens - $2 WHERE name = $1"


class RateBucketQueries:
    """The rate-bucket half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def take_from_bucket(self, name: str, limit: RateLimit, tokens: float) -> float:
        """Take one request and ``tokens`` from bucket ``name`` (created full): 0.0 when taken, else the
        seconds until both would be there (nothing taken). One transaction under the row's lock."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(_CREATE, name, limit.request_burst, limit.token_burst)
            row = await conn.fetchrow(_LOCK, name)
            now = await conn.fetchval(_NOW)
            age = max(0.0, (now - row["updated_at"]).total_seconds())
            requests = min(limit.request_burst, row["requests"] + age * limit.requests_per_s)
            left = min(limit.token_burst, row["tokens"] + age * limit.tokens_per_s)
            need = min(tokens, limit.token_burst)  # a prompt larger than the burst would wait forever
            wait = max((1 - requests) / limit.requests_per_s, (need - left) / limit.tokens_per_s, 0.0)
            if wait == 0.0:
                requests, left = requests - 1, left - need
            await conn.execute(_UPDATE, name, requests, left, now)
            return wait

    async def debit_bucket(self, name: str, tokens: float) -> None:
        """Charge tokens used beyond the estimate taken (negative: give back an overestimate)."""
        await self._pool.execute(_DEBIT, name, tokens)
