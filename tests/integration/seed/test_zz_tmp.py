import pytest
from tests.fixtures.services import migrated_store
pytest_plugins = ["tests.fixtures.services"]

@pytest.mark.asyncio(loop_scope="session")
async def test_b(fresh_database) -> None:
    async with migrated_store(fresh_database) as store:
        await store.ping()
        assert await store.list_runs() == []
