"""RunStore: the platform's PostgreSQL adapter (asyncpg pool with jsonb codecs, SQL migrations)."""

from __future__ import annotations

import json

import asyncpg

from mlops.store.datasets import DatasetQueries
from mlops.store.insights import InsightQueries
from mlops.store.migrate import apply_migrations
from mlops.store.outcomes import OutcomeQueries
from mlops.store.runs import RunQueries


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


class RunStore(RunQueries, DatasetQueries, OutcomeQueries, InsightQueries):
    """Datasets, runs, audit trail, results, samples, approvals, dashboard; one pool, bound to one event loop."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, dsn: str, *, min_size: int = 1, max_size: int = 5) -> RunStore:
        """Open a pool on ``dsn`` (any URL asyncpg accepts, e.g. ``postgresql://u@/db?host=/socket/dir``)."""
        pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=_init_connection)
        return cls(pool)

    async def close(self) -> None:
        """Close the pool (waits for connections in use to be released)."""
        await self._pool.close()

    async def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied (empty when up to date)."""
        async with self._pool.acquire() as conn:
            return await apply_migrations(conn)

    async def ping(self) -> None:
        """Raise unless the database answers a query."""
        await self._pool.fetchval("SELECT 1")
