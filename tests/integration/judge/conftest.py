"""The Mistral API stub served for the judge tests, and a Judge on it built by the real clients."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mlops.evaluation.judge import Judge, build_judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.rate_limit import SharedRateLimit
from mlops.settings import JudgeSettings
from tests.tools.mistral_stub import MistralStub, StubConfig, StubServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")


@pytest.fixture(scope="session")
def stub_server() -> Iterator[StubServer]:
    with StubServer(MistralStub()) as server:
        yield server


@pytest.fixture
def stub(stub_server: StubServer) -> MistralStub:
    """The stub, reset (no latency, no faults, counters at 0) for each test."""
    stub_server.stub.reset(StubConfig(retry_after_s=0.05, hang_s=2.0))
    return stub_server.stub


@pytest.fixture
def make_judge(stub: MistralStub, stub_server: StubServer) -> object:
    def make(cache: JudgeCache | None = None, limiter: SharedRateLimit | None = None, **overrides: object) -> Judge:
        options: dict[str, object] = {"max_concurrency": 8, "timeout_s": 5.0, "max_retries": 3, "base_delay_s": 0.01}
        options.update(overrides)
        config = JudgeSettings(stub_server.endpoint, "test-key", **options)  # type: ignore[arg-type]
        return build_judge(config, cache, limiter)

    return make
