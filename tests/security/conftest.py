"""One devhost per security module: the real function app over the real stack, APPROVALS_REQUIRED=2."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import free_port
from tests.e2e.conftest import E2E_SIGNING_KEYS, ROOT, Api, stack_env, tiny_model
from tests.fixtures.devhost import run_devhost

__all__ = ["stack_env", "tiny_model"]  # the e2e stack's session fixtures, shared here


@pytest.fixture(scope="module")
def secured(stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The API as a requester drives it, on a devhost (virtual clock) whose runs need two approvals."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        **stack_env,
        "PUBLIC_BASE_URL": origin,
        "TEAMS_WEBHOOK_URL": f"{origin}/admin/webhooks/teams",
        "APPROVAL_SIGNING_KEYS": E2E_SIGNING_KEYS,
        "APPROVALS_REQUIRED": "2",
    }
    state: Path = tmp_path_factory.mktemp("security") / "devhost"
    with run_devhost(ROOT, state_dir=state, env=env, virtual_clock=True, port=port, broker_port=free_port()) as host:
        yield Api(host)
