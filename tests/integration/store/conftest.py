"""The ``make_run`` fixture: runs on a ``run_store`` that has the ``rag_qa`` dataset."""

import pytest_asyncio

from mlops.store import RunRecord, RunStore
from tests.integration.store.support import DATASET, MakeRun, new_run


@pytest_asyncio.fixture(loop_scope="function")
async def make_run(run_store: RunStore) -> MakeRun:
    """Create runs on a store that has the ``rag_qa`` dataset."""
    await run_store.upsert_dataset(DATASET)

    async def make(**overrides: object) -> RunRecord:
        return await run_store.create_run(new_run(**overrides))

    return make
