"""RunStore: the platform's PostgreSQL adapter (asyncpg pool with jsonb codecs, SQL migrations)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import asyncpg

from mlops.store.approvals import ApprovalQueries
from mlops.store.audit import AuditQueries
from mlops.store.datasets import DatasetQueries
from mlops.store.entra import EntraPassword
from mlops.store.insights import InsightQueries
from mlops.store.judge_verdicts import JudgeCacheQueries
from mlops.store.migrate import apply_migrations
from mlops.store.operations import OperationQueries
from mlops.store.outbox import OutboxQueries
from mlops.store.outcomes import OutcomeQueries
from mlops.store.rate_buckets import RateBucketQueries
from mlops.store.run_queries import RunQueries


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


class RunStore(
    RunQueries,
    DatasetQueries,
    OutcomeQueries,
    ApprovalQueries,
    InsightQueries,
    JudgeCacheQueries,
    OutboxQueries,
    OperationQueries,
    AuditQueries,
    RateBucketQueries,
):
    """Datasets, runs, audit trail (and its hash chain), results, samples, votes and approvals, dashboard, judge
    cache, shared rate buckets; one pool, bound to one event loop."""

    def __init__(self, pool: asyncpg.Pool, *, entra: EntraPassword | None = None) -> None:
        self._pool = pool
        self._entra = entra

    @classmethod
    async def connect(
        cls,
        dsn: str,
        *,
        min_size: int = 1,
        max_size: int = 5,
        entra: EntraPassword | None = None,
        pgbouncer: bool = False,
    ) -> RunStore:
        """Open a pool on ``dsn`` (any URL asyncpg accepts, e.g. ``postgresql://u@/db?host=/socket/dir``).

        With ``entra`` (Azure: Entra-only server, the URL names the identity and has no password) every
        new connection authenticates with a current access token; the store closes it with the pool.
        With ``pgbouncer`` (PgBouncer in transaction mode in front) no statement is prepared server-side:
        the next transaction may run on another server connection, which never saw it.
        """
        password: Callable[[], Awaitable[str]] | None = entra
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min(min_size, max_size),
            max_size=max_size,
            init=_init_connection,
            password=password,
            statement_cache_size=0 if pgbouncer else 100,
        )
        return cls(pool, entra=entra)

    async def close(self) -> None:
        """Close the pool (waits for connections in use to be released), then the Entra credential."""
        await self._pool.close()
        if self._entra is not None:
            await self._entra.close()

    async def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied (empty when up to date)."""
        async with self._pool.acquire() as conn:
            return await apply_migrations(conn)

    async def ping(self) -> None:
        """Raise unless the database answers a query."""
        await self._pool.fetchval("SELECT 1")
