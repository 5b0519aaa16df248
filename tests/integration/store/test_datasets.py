from dataclasses import replace

from mlops.store import RunStore
from tests.integration.store.support import DATASET

pytest_plugins = ["tests.fixtures.services"]


async def test_upsert_inserts_then_updates_keeping_created_at(run_store: RunStore) -> None:
    stored = await run_store.upsert_dataset(DATASET)
    assert stored.created_at is not None and replace(stored, created_at=None) == DATASET
    updated = await run_store.upsert_dataset(replace(DATASET, description="v2", train_rows=10))
    assert (updated.description, updated.train_rows, updated.created_at) == ("v2", 10, stored.created_at)
    assert await run_store.get_dataset(DATASET.name) == updated


async def test_list_and_get(run_store: RunStore) -> None:
    assert await run_store.list_datasets() == []
    assert await run_store.get_dataset("nope") is None
    for name in ("medical", "legal"):
        await run_store.upsert_dataset(replace(DATASET, name=name, domain=name))
    assert [d.name for d in await run_store.list_datasets()] == ["legal", "medical"]


async def test_ping(run_store: RunStore) -> None:
    await run_store.ping()
