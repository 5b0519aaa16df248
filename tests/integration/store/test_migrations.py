import asyncio
from pathlib import Path

import asyncpg
import pytest

from mlops.store import MigrationError, RunStore
from mlops.store.migrate import Migration, apply_migrations, load_migrations

pytest_plugins = ["tests.fixtures.services"]


async def test_migrate_is_idempotent(fresh_database: str) -> None:
    store = await RunStore.connect(fresh_database)
    try:
        assert await store.migrate() == [m.version for m in load_migrations()]
        assert await store.migrate() == []
        tables = await store._pool.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        assert [t["tablename"] for t in tables] == [
            "champion_samples",
            "datasets",
            "judge_cache",
            "operator_actions",
            "outbox",
            "pipeline_runs",
            "rate_buckets",
            "run_approval_votes",
            "run_approvals",
            "run_audit_heads",
            "run_events",
            "run_results",
            "run_samples",
            "schema_migrations",
        ]
    finally:
        await store.close()


async def test_concurrent_migrations_apply_once(fresh_database: str) -> None:
    conns = [await asyncpg.connect(fresh_database) for _ in range(4)]
    try:
        applied = await asyncio.gather(*(apply_migrations(conn) for conn in conns))
        versions = [m.version for m in load_migrations()]
        assert sorted(applied, key=len) == [[], [], [], versions]
        assert await conns[0].fetchval("SELECT count(*) FROM schema_migrations") == len(versions)
    finally:
        for conn in conns:
            await conn.close()


async def test_an_edited_migration_is_refused(fresh_database: str) -> None:
    conn = await asyncpg.connect(fresh_database)
    try:
        await apply_migrations(conn, [Migration(1, "first", "CREATE TABLE t (x int)")])
        with pytest.raises(MigrationError, match="changed after it ran"):
            await apply_migrations(conn, [Migration(1, "first", "CREATE TABLE t (y int)")])
        assert await apply_migrations(conn, [Migration(1, "first", "CREATE TABLE t (x int)")]) == []
    finally:
        await conn.close()


def test_badly_named_migration_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_init.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError, match=r"NNN_name\.sql"):
        load_migrations(tmp_path)


def test_repeated_versions_are_refused(tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_text("SELECT 1")
    (tmp_path / "001_b.sql").write_text("SELECT 2")
    with pytest.raises(MigrationError, match="share a version"):
        load_migrations(tmp_path)
