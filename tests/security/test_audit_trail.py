"""A changed or deleted audit row is detected by GET /api/runs/{id}/audit and by ``python -m mlops.audit
verify``, each naming the first broken link. The tampering is what someone with database access would do."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from typing import Any

import asyncpg
import pytest

from tests.e2e.conftest import ROOT, Api, wait_until
from tests.fixtures.devhost import RunningDevHost


@pytest.fixture
def api(security_host: RunningDevHost) -> Api:
    return Api(security_host)


def _run_with_events(api: Api, at_least: int) -> str:
    """A run (it fails at loading later) once its chain holds ``at_least`` events: created, loading, ..."""
    run_id = api.start_run("acme/does-not-exist", task_type="evaluate")
    wait_until(lambda: _audit(api, run_id)["length"], lambda n: n >= at_least, 180, f"{at_least} audit events")
    return run_id


def _sql(dsn: str, statement: str, run_id: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement, uuid.UUID(run_id))
        finally:
            await conn.close()

    asyncio.run(run())


def _audit(api: Api, run_id: str) -> dict[str, Any]:
    response = api.get(f"/runs/{run_id}/audit")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _verify_cli(dsn: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": dsn}
    command = [sys.executable, "-m", "mlops.audit", "verify"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_an_untouched_run_verifies(api: Api) -> None:
    audit = _audit(api, _run_with_events(api, 3))
    assert audit["verified"] is True and audit["first_broken"] is None and audit["length"] >= 3
    assert [link["prev_hash"] for link in audit["chain"][1:]] == [link["hash"] for link in audit["chain"][:-1]]


def test_a_changed_row_is_named_by_the_route_and_the_cli(api: Api, security_env: dict[str, str]) -> None:
    run_id = _run_with_events(api, 2)
    _sql(
        security_env["DATABASE_URL"],
        "UPDATE run_events SET message = 'approved' WHERE run_id = $1 AND chain_seq = 2",
        run_id,
    )
    audit = _audit(api, run_id)
    assert audit["verified"] is False and audit["first_broken"]["chain_seq"] == 2
    result = _verify_cli(security_env["DATABASE_URL"])
    assert result.returncode == 1
    assert f"run {run_id}: BROKEN at link #2" in result.stderr


def test_a_deleted_row_is_named_by_the_route_and_the_cli(api: Api, security_env: dict[str, str]) -> None:
    run_id = _run_with_events(api, 2)
    _sql(security_env["DATABASE_URL"], "DELETE FROM run_events WHERE run_id = $1 AND chain_seq = 2", run_id)
    audit = _audit(api, run_id)
    assert audit["verified"] is False and audit["first_broken"]["chain_seq"] == 2
    assert f"run {run_id}: BROKEN at link #2" in _verify_cli(security_env["DATABASE_URL"]).stderr


def test_the_audit_of_an_unknown_run_is_404(api: Api) -> None:
    assert api.get(f"/runs/{uuid.uuid4()}/audit").status_code == 404
