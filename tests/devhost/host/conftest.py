"""A DevHost running the sample app on free ports, with a virtual clock and its own broker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from tests.fixtures.devhost import RunningDevHost, run_devhost

SAMPLE_APP = Path(__file__).parent / "sample_app"
SAMPLE_ENV = {"SAMPLE_TOPIC": "sample-events"}
TOPIC = "sample-events"


@pytest.fixture
def sample_host_factory(tmp_path: Path) -> Callable[[], AbstractContextManager[RunningDevHost]]:
    """Start (and restart) the sample app's host on one state dir."""

    def start() -> AbstractContextManager[RunningDevHost]:
        return run_devhost(
            SAMPLE_APP,
            state_dir=tmp_path / "state",
            env=SAMPLE_ENV,
            broker_config=SAMPLE_APP / "servicebus.json",
        )

    return start


@pytest.fixture
def sample_host(sample_host_factory) -> Iterator[RunningDevHost]:
    """One running host for a test."""
    with sample_host_factory() as host:
        yield host
