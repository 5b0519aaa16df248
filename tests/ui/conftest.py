"""One real stack for the UI tests: devhost (real function app, PostgreSQL, Azurite, MLflow, tiny model)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import create_database, free_port, init_tracking_store, tracking_uri
from devstack.postgres import PostgresHandle
from mlops.blob import BlobStore
from mlops.models.tiny import build_tiny_model, corpus_from_jsonl
from mlops.seed import read_manifest, seed
from tests.e2e.conftest import MANIFEST, ROOT, Api
from tests.fixtures.devhost import run_devhost
from tests.fixtures.services import migrated_store


@pytest.fixture(scope="package")
def ui_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Mistral-shaped model (trains in seconds; the hub is unreachable)."""
    corpus = corpus_from_jsonl(sorted((ROOT / "data" / "datasets").rglob("*.jsonl")))
    return build_tiny_model(tmp_path_factory.mktemp("ui-models") / "tiny-mistral", corpus)


@pytest.fixture(scope="package")
def ui_api(postgres_server: PostgresHandle, azurite: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The function app on devhost over its own database and MLflow store, datasets seeded."""
    database = "ui_release"
    create_database(postgres_server.dsn_for("postgres"), database)
    dsn = postgres_server.dsn_for(database)
    mlflow_dir = tmp_path_factory.mktemp("ui-mlflow")
    init_tracking_store(mlflow_dir)

    async def seed_all() -> None:
        async with migrated_store(dsn) as store:
            await seed(read_manifest(MANIFEST), store, BlobStore.from_connection_string(azurite))

    asyncio.run(seed_all())
    env = {
        "DATABASE_URL": dsn,
        "BLOB_CONNECTION_STRING": azurite,
        "MLFLOW_TRACKING_URI": tracking_uri(mlflow_dir),
        "SERVICEBUS_TOPIC": "mlops-events",
        "MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("ui-cache") / "models"),
        "TRAINING_MAX_STEPS": "4",
        "TRAINING_TIMEOUT_MINUTES": "30",
        "HF_HUB_OFFLINE": "1",
        # The tiny model scores ~0.3: these tests set their own bar, so the gate policy's floor is 0 here.
        "GATE_THRESHOLD_FLOOR": "0",
    }
    state = tmp_path_factory.mktemp("ui-devhost")
    with run_devhost(ROOT, state_dir=state, env=env, virtual_clock=True, port=free_port()) as host:
        yield Api(host)


@pytest.fixture
def ui_env(ui_api: Api, monkeypatch: pytest.MonkeyPatch) -> Api:
    """AppTest runs the page in this process: point it at the test API and devhost's sign-in."""
    monkeypatch.setenv("API_URL", ui_api.base)
    monkeypatch.setenv("LOCAL_IDENTITY_URL", ui_api.devhost.base_url)
    monkeypatch.setenv("UI_REFRESH_SECONDS", "1")
    return ui_api
