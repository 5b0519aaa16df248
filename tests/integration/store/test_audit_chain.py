"""The run_events hash chain (migration 009): filled on every insert, checked by mlops.audit."""

import asyncio
import uuid

import asyncpg
import pytest

from mlops.audit.__main__ import main as audit_cli
from mlops.audit.verify import verify_run
from mlops.store import NewVote, RunStore
from mlops.store.migrate import apply_migrations, load_migrations
from tests.fixtures.services import migrated_store
from tests.integration.store.support import DATASET, MakeRun, new_run

pytest_plugins = ["tests.fixtures.services"]


async def _lived_run(make_run: MakeRun, run_store: RunStore) -> str:
    run = await make_run()
    await run_store.record_transition(run.run_id, "loading", "loading", dedupe_key="status:loading")
    await run_store.append_event(run.run_id, "event", "run.eval_passed", {"score": 0.91, "nested": {"b": 1, "a": "é"}})
    await run_store.record_transition(run.run_id, "awaiting_approval", "awaiting approval")
    ana = NewVote(str(uuid.uuid4()), "ana@contoso.com", "approve", "looks good", "api")
    await run_store.cast_vote(run.run_id, ana)
    return run.run_id


async def test_every_insert_path_extends_one_chain_that_verifies(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _lived_run(make_run, run_store)
    report = await verify_run(run_store, run_id)
    assert (report.verified, report.length) == (True, 5)
    rows = await run_store.audit_rows(run_id)
    assert [row.prev_hash for row in rows[1:]] == [row.row_hash for row in rows[:-1]]


async def test_a_changed_message_is_named_as_the_first_broken_link(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _lived_run(make_run, run_store)
    await run_store._pool.execute(
        "UPDATE run_events SET message = 'reject by mallory' WHERE run_id = $1 AND chain_seq = 5", uuid.UUID(run_id)
    )
    broken = (await verify_run(run_store, run_id)).broken
    assert broken is not None and broken.chain_seq == 5 and "changed" in broken.reason


async def test_changed_details_are_detected(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _lived_run(make_run, run_store)
    await run_store._pool.execute(
        "UPDATE run_events SET details = details || '{\"score\": 0.99}' WHERE run_id = $1 AND chain_seq = 3",
        uuid.UUID(run_id),
    )
    broken = (await verify_run(run_store, run_id)).broken
    assert broken is not None and broken.chain_seq == 3


async def test_a_deleted_middle_row_breaks_the_link_after_it(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _lived_run(make_run, run_store)
    await run_store._pool.execute("DELETE FROM run_events WHERE run_id = $1 AND chain_seq = 2", uuid.UUID(run_id))
    broken = (await verify_run(run_store, run_id)).broken
    assert broken is not None and broken.chain_seq == 2 and "missing" in broken.reason


async def test_deleting_the_newest_rows_is_detected_by_the_head(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _lived_run(make_run, run_store)
    await run_store._pool.execute("DELETE FROM run_events WHERE run_id = $1 AND chain_seq >= 4", uuid.UUID(run_id))
    broken = (await verify_run(run_store, run_id)).broken
    assert broken is not None and broken.chain_seq == 4 and "newest rows deleted" in broken.reason


async def test_a_duplicate_delivery_does_not_advance_the_chain(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    first = await run_store.append_event(run.run_id, "card", "card sent", {"n": 1}, dedupe_key="card:eval")
    again = await run_store.append_event(run.run_id, "card", "card sent", {"n": 1}, dedupe_key="card:eval")
    assert again.id == first.id
    report = await verify_run(run_store, run.run_id)
    assert (report.verified, report.length) == (True, 2)


async def test_concurrent_writers_never_fork_a_chain(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    await asyncio.gather(*(run_store.append_event(run.run_id, "event", f"event {n}") for n in range(12)))
    report = await verify_run(run_store, run.run_id)
    assert (report.verified, report.length) == (True, 13)


async def test_rows_written_before_the_migration_are_chained_by_it(fresh_database: str) -> None:
    conn = await asyncpg.connect(fresh_database)
    try:
        before = [m for m in load_migrations() if m.version < 9]
        await apply_migrations(conn, before)
        await conn.execute(
            "INSERT INTO datasets (name, domain, train_uri, eval_uri, train_rows, eval_rows) "
            "VALUES ($1, 'qa', 'blob://d/t.jsonl', 'blob://d/e.jsonl', 1, 1)",
            DATASET.name,
        )
        legacy = new_run()
        run_id = await conn.fetchval(
            "INSERT INTO pipeline_runs (run_id, model_id, dataset, experiment_name, task_type, ml_score_threshold) "
            "VALUES (gen_random_uuid(), $1, $2, 'exp', 'finetune', 0.7) RETURNING run_id::text",
            legacy.model_id,
            legacy.dataset,
        )
        for message in ("run created", "loading", "legacy approval"):
            await conn.execute(
                "INSERT INTO run_events (run_id, kind, status, message) VALUES ($1::uuid, 'transition', 'pending', $2)",
                run_id,
                message,
            )
    finally:
        await conn.close()
    store = await RunStore.connect(fresh_database)
    try:
        assert 9 in await store.migrate()
        await store.append_event(run_id, "event", "after the upgrade")
        report = await verify_run(store, run_id)
        assert (report.verified, report.length) == (True, 4)
    finally:
        await store.close()


def test_the_cli_exits_0_on_intact_chains_and_1_naming_the_first_broken_link(
    fresh_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def two_runs() -> list[str]:
        async with migrated_store(fresh_database) as store:
            await store.upsert_dataset(DATASET)
            runs = [await store.create_run(new_run()) for _ in range(2)]
            for run in runs:
                await store.append_event(run.run_id, "event", "evaluated")
            return [run.run_id for run in runs]

    intact, tampered = asyncio.run(two_runs())
    assert audit_cli(["verify", "--database-url", fresh_database]) == 0
    assert "2 of 2 runs verified" in capsys.readouterr().out

    async def tamper() -> None:
        conn = await asyncpg.connect(fresh_database)
        await conn.execute(
            "UPDATE run_events SET message = 'x' WHERE run_id = $1 AND chain_seq = 1", uuid.UUID(tampered)
        )
        await conn.close()

    asyncio.run(tamper())
    assert audit_cli(["verify", "--database-url", fresh_database]) == 1
    err = capsys.readouterr().err
    assert f"run {tampered}: BROKEN at link #1" in err and intact not in err and "1 of 2 runs verified" in err
