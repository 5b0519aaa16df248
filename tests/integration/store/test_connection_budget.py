"""The connection budget on a real server: a process holds at most DATABASE_POOL_SIZE connections however
many queries it runs at once, and behind PgBouncer (DATABASE_PGBOUNCER) prepares no statement server-side."""

import asyncio

import asyncpg

from mlops.bootstrap import connect_store
from mlops.settings import Settings

SETTINGS = {
    "BLOB_CONNECTION_STRING": "UseDevelopmentStorage=true",
    "MLFLOW_TRACKING_URI": "sqlite:///unused.db",
}


async def _backends(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        return int(await conn.fetchval(query))
    finally:
        await conn.close()


async def test_a_process_never_holds_more_than_its_pool_size(fresh_database: str) -> None:
    settings = Settings.from_env({**SETTINGS, "DATABASE_URL": fresh_database, "DATABASE_POOL_SIZE": "2"})
    store = await connect_store(settings)
    try:
        peak = 0

        async def busy() -> None:
            await store.ping()
            await store._pool.fetchval("SELECT pg_sleep(0.2)")

        tasks = [asyncio.create_task(busy()) for _ in range(8)]
        while not all(task.done() for task in tasks):
            peak = max(peak, await _backends(fresh_database))
            await asyncio.sleep(0.05)
        await asyncio.gather(*tasks)
    finally:
        await store.close()
    assert peak == 2


async def test_behind_pgbouncer_no_statement_stays_prepared(fresh_database: str) -> None:
    prepared = {}
    for pgbouncer in ("true", "false"):
        env = {**SETTINGS, "DATABASE_URL": fresh_database, "DATABASE_POOL_SIZE": "1", "DATABASE_PGBOUNCER": pgbouncer}
        store = await connect_store(Settings.from_env(env))
        try:
            await store._pool.fetchval("SELECT $1::int + 1", 1)
            prepared[pgbouncer] = await store._pool.fetchval("SELECT count(*) FROM pg_prepared_statements")
        finally:
            await store.close()
    assert prepared == {"true": 0, "false": prepared["false"]} and prepared["false"] > 0
