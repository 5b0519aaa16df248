"""The real function app on devhost, over real PostgreSQL, Azurite, MLflow and the local broker."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack import create_database, free_port
from devstack.postgres import PostgresHandle
from mlops.models.tiny import build_tiny_model, corpus_from_jsonl
from mlops.seed import read_manifest, seed
from mlops.training.launch import jobs_dir
from tests.fixtures.devhost import RunningDevHost, run_devhost
from tests.fixtures.jobs import stop_jobs
from tests.fixtures.services import migrated_store

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "data" / "datasets" / "manifest.json"
TERMINAL = {"completed", "failed"}
# Test-only key pair (current first); never a real secret.
E2E_SIGNING_KEYS = (
    "e2e-2:e2e-signing-key-two-not-secret-but-long-enough,e2e-1:e2e-signing-key-one-not-secret-but-long-enough"
)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Mistral-shaped model with a tokenizer trained on the sample data (the hub is unreachable)."""
    corpus = corpus_from_jsonl(sorted((ROOT / "data" / "datasets").rglob("*.jsonl")))
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-mistral", corpus)


@pytest.fixture(scope="session")
def stack_env(
    postgres_server: PostgresHandle, azurite: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Settings of a fresh stack: its own database, MLflow store and model cache; datasets seeded."""
    return fresh_stack_env("e2e_release", postgres_server, azurite, tmp_path_factory)


def fresh_stack_env(
    database: str, postgres_server: PostgresHandle, azurite: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Settings of a stack on a database of its own (created and seeded here), its own MLflow store and
    model cache: what one test writes there, no other test reads."""
    from devstack import init_tracking_store, tracking_uri
    from mlops.blob import BlobStore

    create_database(postgres_server.dsn_for("postgres"), database)
    dsn = postgres_server.dsn_for(database)
    mlflow_dir = tmp_path_factory.mktemp("mlflow")
    init_tracking_store(mlflow_dir)

    async def seed_all() -> None:
        async with migrated_store(dsn) as store:
            await seed(read_manifest(MANIFEST), store, BlobStore.from_connection_string(azurite))

    asyncio.run(seed_all())
    return {
        "DATABASE_URL": dsn,
        "BLOB_CONNECTION_STRING": azurite,
        "MLFLOW_TRACKING_URI": tracking_uri(mlflow_dir),
        "SERVICEBUS_TOPIC": "mlops-events",
        "MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("cache") / "models"),
        "TRAINING_MAX_STEPS": "4",
        "TRAINING_TIMEOUT_MINUTES": "30",
        "HF_HUB_OFFLINE": "1",
        # The tiny model scores ~0.3: these tests set their own bar, so the gate policy's floor is 0 here.
        "GATE_THRESHOLD_FLOOR": "0",
    }


REQUESTER = "riley.requester@contoso.com"
APPROVER = "ana.approver@contoso.com"


@dataclass
class Api:
    """The HTTP API as a signed-in user drives it (a requester unless ``as_user`` says otherwise), plus the
    host's virtual clock."""

    devhost: RunningDevHost
    user: str = REQUESTER
    roles: tuple[str, ...] = ("requester",)

    @property
    def base(self) -> str:
        return f"{self.devhost.base_url}/api"

    def as_user(self, user: str, roles: Sequence[str] = ("approver",)) -> Api:
        """The same API driven by another signed-in user."""
        return Api(self.devhost, user, tuple(roles))

    def headers(self) -> dict[str, str]:
        """The bearer token devhost's local identity provider issues for this user."""
        identity = self.devhost.host.identity
        assert identity is not None, "devhost has no identity provider"
        return {"Authorization": f"Bearer {identity.issue(self.user, self.roles)}"}

    def post(self, path: str, body: Any = None, *, content: bytes | None = None) -> httpx.Response:
        if content is not None:
            return httpx.post(f"{self.base}{path}", content=content, headers=self.headers(), timeout=60)
        return httpx.post(f"{self.base}{path}", json=body, headers=self.headers(), timeout=60)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", headers=self.headers(), timeout=60)

    def start_run(self, model_id: str, **overrides: Any) -> str:
        body = {
            "model_id": model_id,
            "dataset": "rag_qa",
            "experiment_name": "e2e",
            "task_type": "finetune",
            **overrides,
        }
        response = self.post("/runs", body)
        assert response.status_code == 202, response.text
        return str(response.json()["run_id"])

    def run(self, run_id: str) -> dict[str, Any]:
        response = self.get(f"/runs/{run_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def wait_for(self, run_id: str, statuses: set[str], timeout: float = 300) -> dict[str, Any]:
        return wait_until(
            lambda: self.run(run_id),
            lambda run: run["status"] in statuses,
            timeout,
            f"run {run_id} to reach {sorted(statuses)}",
        )


def wait_until(
    probe: Callable[[], Any], done: Callable[[Any], bool], timeout: float, what: str, interval: float = 0.5
) -> Any:
    """Poll ``probe`` until ``done``; fail with the last value seen."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not done(value):
        assert time.monotonic() < deadline, f"timed out waiting for {what}; last: {value}"
        time.sleep(interval)
        value = probe()
    return value


@pytest.fixture
def devhost_factory(stack_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start the real function app on devhost (virtual clock) over the stack; same state dir on restart;
    keyword arguments are extra app settings. The jobs the test's runs started stop with the test."""
    yield devhost_starter(stack_env, tmp_path / "devhost")
    stop_jobs(jobs_dir(Path(stack_env["MODEL_CACHE_DIR"])))


def devhost_starter(stack_env: dict[str, str], state: Path) -> Callable[..., Any]:
    """What ``devhost_factory`` returns, for a fixture of any scope: ``state`` is the devhost's state dir."""
    port, broker_port = free_port(), free_port()

    origin = f"http://127.0.0.1:{port}"
    env = {
        **stack_env,
        "PUBLIC_BASE_URL": origin,
        "TEAMS_WEBHOOK_URL": f"{origin}/admin/webhooks/teams",
        "APPROVAL_SIGNING_KEYS": E2E_SIGNING_KEYS,
        "MODEL_STUDIO_URL": "https://ml.azure.com/model/{name}:{version}/details?wsid=/subscriptions/e2e",
    }

    def start(**settings: str) -> Any:
        return run_devhost(
            ROOT, state_dir=state, env={**env, **settings}, virtual_clock=True, port=port, broker_port=broker_port
        )

    return start


@pytest.fixture
def api(devhost_factory: Callable[..., Any]) -> Iterator[Api]:
    with devhost_factory() as devhost:
        yield Api(devhost)


def servicebus_connection() -> str:
    """The broker devhost started for the app (devhost sets the app's setting to it)."""
    return os.environ["ServiceBusConnection"]
