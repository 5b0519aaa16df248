import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from devstack import ServiceError
from devstack.azurite import azurite_bin
from mlops.blob import BlobStore

ROOT = Path(__file__).resolve().parents[3]
FREE_PORTS = ["--blob-port", "0", "--queue-port", "0", "--table-port", "0"]


def devstack(state: Path, command: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "devstack", command, "--state-dir", str(state), *FREE_PORTS]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=180)


def read_env(state: Path) -> dict[str, str]:
    lines = (state / "env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def state(tmp_path: Path) -> Iterator[Path]:
    state = tmp_path / "stack"
    yield state
    devstack(state, "down")


async def database_name(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        name: str = await conn.fetchval("SELECT current_database()")
        return name
    finally:
        await conn.close()


def test_up_status_down_are_idempotent(state: Path) -> None:
    first = devstack(state, "up")
    assert first.returncode == 0, first.stderr
    env = read_env(state)
    assert sorted(env) == ["BLOB_CONNECTION_STRING", "DATABASE_URL", "MLFLOW_TRACKING_URI", "MODEL_CACHE_DIR"]
    assert env["MLFLOW_TRACKING_URI"] == f"sqlite:///{state / 'mlflow' / 'mlflow.db'}"
    assert Path(env["MODEL_CACHE_DIR"]).is_dir()
    assert devstack(state, "status").returncode == 0
    assert devstack(state, "up").returncode == 0
    assert read_env(state) == env  # the same services, found running
    assert asyncio.run(database_name(env["DATABASE_URL"])) == "mlops"
    BlobStore.from_connection_string(env["BLOB_CONNECTION_STRING"]).ping()
    exports = devstack(state, "env").stdout
    assert f"export DATABASE_URL={env['DATABASE_URL']}" in exports.replace("'", "")

    assert devstack(state, "down").stdout.strip() == "stopped: azurite, postgres"
    stopped = devstack(state, "status")
    assert stopped.returncode == 1 and "postgres  down" in stopped.stdout
    assert devstack(state, "down").stdout.strip() == "stopped: nothing was running"
    assert devstack(state, "up").returncode == 0  # restarts on the existing data
    assert asyncio.run(database_name(read_env(state)["DATABASE_URL"])) == "mlops"


def test_missing_npm_packages_say_run_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="run `npm ci`"):
        azurite_bin(root=tmp_path)
