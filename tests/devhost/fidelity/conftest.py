"""One devhost per fidelity module, running tests/devhost/apps/patterns, driven only through the HTTP API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.devhost import RunningDevHost, run_devhost

PATTERNS_APP = Path(__file__).resolve().parents[1] / "apps" / "patterns"
HOOK = "/runtime/webhooks/durabletask"


@dataclass
class Durable:
    """The management API of one running devhost, as a user would call it."""

    host: RunningDevHost

    @property
    def base(self) -> str:
        return self.host.base_url + HOOK

    def start(self, name: str, payload: Any = None, instance_id: str | None = None) -> dict[str, str]:
        """POST orchestrators/{name}[/{id}] as the SDK's start_new does; the check-status payload."""
        url = f"{self.base}/orchestrators/{name}" + (f"/{instance_id}" if instance_id else "")
        reply = httpx.post(url, json=json.dumps(payload), timeout=30)  # start_new sends the input JSON as a string
        assert reply.status_code == 202, reply.text
        return dict(reply.json())

    def status(self, instance_id: str, **params: str) -> dict[str, Any]:
        """GET instances/{id} after the host has gone idle."""
        self.host.wait_idle()
        reply = httpx.get(f"{self.base}/instances/{instance_id}", params=params, timeout=30)
        assert reply.status_code in (200, 202), reply.text
        return dict(reply.json())

    def post(self, uri: str, **kwargs: Any) -> httpx.Response:
        """POST one of the URIs devhost returned (placeholders such as {text} filled in by the caller)."""
        return httpx.post(uri, timeout=30, **kwargs)


@pytest.fixture(scope="module")
def durable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Durable]:
    """The patterns app on a fresh devhost with a virtual clock, no broker."""
    with run_devhost(PATTERNS_APP, state_dir=tmp_path_factory.mktemp("patterns"), broker=False) as host:
        yield Durable(host)
