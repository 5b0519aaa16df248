"""The HTTP contract, fuzzed: schemathesis generates requests from ``GET /api/openapi.json`` against the real
app on devhost (examples, coverage, fuzzing, and the stateful phase that follows the document's links) and
every check must pass: no server error, every answer's status, content type, headers and body as documented,
what the schema refuses refused and what it allows accepted.

The one check left out is ``unsupported_method``: it wants 405 for a method a path does not declare, but the
Azure Functions host routes by method and path together and answers 404 for an undeclared method (devhost
does the same), so 405 is not this API's contract and the document cannot promise it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import free_port
from devstack.postgres import PostgresHandle
from mlops.training.launch import jobs_dir
from tests.e2e.conftest import E2E_SIGNING_KEYS, ROOT, Api, fresh_stack_env
from tests.fixtures.devhost import run_devhost
from tests.fixtures.jobs import stop_jobs

# Fixed cost and the same cases every run: a seed, bounded examples per operation, no example database; the
# stateful phase gets more scenarios, long enough to go list datasets -> start a run -> the run's routes.
SEED = 14
CONFIG = """
[generation]
max-examples = 10
database = "none"

[phases.stateful]
max-steps = 10

[phases.stateful.generation]
max-examples = 60
"""
BUDGET_S = 300
# Every role: each route is reached past its role check (the roles themselves are tests/security's).
ROLES = ("requester", "approver", "operator")
FUZZER = "fuzz.bot@contoso.com"


@pytest.fixture
def fuzz_target(
    postgres_server: PostgresHandle, azurite: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> Iterator[Api]:
    """The app on devhost under a gate policy the document describes in full: the floor at 0 and custom
    weights allowed (a deployment's own floor and profiles are policy, answered 422 naming the field). Its
    own database: the runs and datasets the fuzzer creates are no other test's."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        **fresh_stack_env("e2e_fuzz", postgres_server, azurite, tmp_path_factory),
        "PUBLIC_BASE_URL": origin,
        "TEAMS_WEBHOOK_URL": f"{origin}/admin/webhooks/teams",
        "APPROVAL_SIGNING_KEYS": E2E_SIGNING_KEYS,
        "GATE_ALLOW_CUSTOM_WEIGHTS": "true",
    }
    try:
        with run_devhost(
            ROOT, state_dir=tmp_path / "devhost", env=env, virtual_clock=True, port=port, broker_port=free_port()
        ) as host:
            yield Api(host, FUZZER, ROLES)
    finally:
        stop_jobs(jobs_dir(Path(env["MODEL_CACHE_DIR"])))


def test_schemathesis_finds_no_failure_in_any_phase(fuzz_target: Api, tmp_path: Path):
    token = fuzz_target.headers()["Authorization"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        f"--config-file={config}",
        "run",
        f"{fuzz_target.base}/openapi.json",
        "--checks=all",
        "--exclude-checks=unsupported_method",
        "--phases=examples,coverage,fuzzing,stateful",
        f"--seed={SEED}",
        "--workers=1",
        "--request-timeout=30",
        "--no-color",
        f"--header=Authorization: {token}",
        f"--report-junit-path={tmp_path / 'junit.xml'}",
        "--report=junit",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=BUDGET_S, cwd=tmp_path)
    print(result.stdout)  # the phases, the links the stateful phase followed, the number of cases
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert re.search(r"✅ Stateful", result.stdout), "the stateful phase did not run"
