"""The replay-compatibility gate: every golden history replays on today's orchestrator, on its recorded path."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from devhost.app.settings import read_host_options
from orchestrations import release_pipeline, versions
from tests.tools import golden
from tests.tools.replay_gate import divergence, handler_of

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = golden.load_all()
HANDLER = handler_of(release_pipeline.bp, "release_pipeline")
# Each terminal outcome and each wait state, cut just before the event that ended it: loading (staging
# job), training, evaluating (answer generation job, scoring job) and awaiting approval.
OUTCOMES = {
    "evaluate-loading",
    "evaluate-evaluating",
    "evaluate-scoring",
    "evaluate-awaiting-approval",
    "evaluate-approved",
    "evaluate-rejected-by-approver",
    "evaluate-expired",
    "evaluate-rejected-by-gate",
    "finetune-training",
    "finetune-scoring",
    "finetune-approved",
    "finetune-training-failed",
}


@pytest.mark.parametrize("recorded", GOLDEN, ids=lambda g: f"{g.version}/{g.scenario}")
def test_golden_history_replays_on_the_current_orchestrator(recorded: golden.GoldenHistory) -> None:
    assert divergence(HANDLER, recorded) is None


@pytest.mark.parametrize("version", versions.SUPPORTED)
def test_every_supported_version_has_each_outcome_and_wait_recorded(version: str) -> None:
    assert {g.scenario for g in GOLDEN if g.version == version} == OUTCOMES


def test_golden_histories_belong_to_supported_versions_only() -> None:
    assert {g.version for g in GOLDEN} == set(versions.SUPPORTED)


def test_new_runs_start_under_the_newest_supported_version() -> None:
    assert read_host_options(ROOT).versioning.default_version == versions.CURRENT == versions.SUPPORTED[-1]


@pytest.mark.parametrize(
    ("started_under", "older"), [("", True), ("1.0", True), ("2.0", False), ("10.0", False), ("2.1", False)]
)
def test_before_compares_an_instances_version_numerically(started_under: str, older: bool) -> None:
    context: Any = SimpleNamespace(version=started_under)
    assert versions.before(context, "2.0") is older
