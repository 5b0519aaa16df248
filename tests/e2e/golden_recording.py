"""Golden-history recording: real runs of the app on devhost, one per outcome, captured from its task hub.

Not a test (pytest does not collect this file by default): ``python -m tests.tools.record_history``
runs ``record_golden_histories`` and writes tests/fixtures/histories/<version>/<scenario>.json.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from devhost.app.settings import read_host_options
from devhost.durable.store import Store
from orchestrations import release_pipeline
from tests.e2e.conftest import APPROVER, ROOT, Api
from tests.tools import golden
from tests.tools.replay_gate import handler_of

OUT_SETTING = "GOLDEN_HISTORIES_OUT"
TERMINAL = {"completed", "failed"}
PATIENCE_S = 1800  # six runs' jobs share the machine: a tool, not a timed test
STAGING, TRAINING, SCORING, DECISION = "StagingCompleted", "TrainingCompleted", "ScoringCompleted", "ApprovalDecision"


def record_golden_histories(devhost_factory, tiny_model: Path, tmp_path: Path) -> None:
    """Every terminal outcome and every wait state of the current version, from six real runs."""
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    for weights in broken.glob("*.safetensors"):
        weights.write_bytes(b"not a safetensors file")
    with devhost_factory() as devhost:
        api = Api(devhost)
        runs = {
            "approved": api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0),
            "declined": api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0),
            "unanswered": api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0),
            "gated": api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=1.0),
            "finetuned": api.start_run(str(tiny_model), ml_score_threshold=0.0),
            "broken": api.start_run(str(broken), ml_score_threshold=0.0),
        }
        for name in ("approved", "declined", "unanswered", "finetuned"):
            reached = api.wait_for(runs[name], {"awaiting_approval", *TERMINAL}, PATIENCE_S)
            assert reached["status"] == "awaiting_approval", reached
        for name, decision in (("approved", "approve"), ("declined", "reject"), ("finetuned", "approve")):
            reply = api.as_user(APPROVER).post(f"/runs/{runs[name]}/approval", {"decision": decision})
            assert reply.status_code == 202, reply.text
        for name in ("approved", "declined", "finetuned", "gated", "broken"):
            api.wait_for(runs[name], TERMINAL, PATIENCE_S)
        devhost.advance(hours=73)
        api.wait_for(runs["unanswered"], TERMINAL, PATIENCE_S)
        devhost.wait_idle(PATIENCE_S)
    _capture(tmp_path / "devhost" / "durable.sqlite3", runs)


def _capture(store_path: Path, runs: dict[str, str]) -> None:
    out = Path(os.environ.get(OUT_SETTING) or golden.ROOT)
    store = Store(store_path, read_host_options(ROOT).task_hub)
    handler = handler_of(release_pipeline.bp, "release_pipeline")
    plan = [
        ("evaluate-loading", _staged(store, runs), STAGING),
        ("evaluate-evaluating", "approved", TRAINING),
        ("evaluate-scoring", "approved", SCORING),
        ("evaluate-awaiting-approval", "approved", DECISION),
        ("evaluate-approved", "approved", None),
        ("evaluate-rejected-by-approver", "declined", None),
        ("evaluate-expired", "unanswered", None),
        ("evaluate-rejected-by-gate", "gated", None),
        ("finetune-training", "finetuned", TRAINING),
        ("finetune-scoring", "finetuned", SCORING),
        ("finetune-approved", "finetuned", None),
        ("finetune-training-failed", "broken", None),
    ]
    try:
        for scenario, run, waiting_for in plan:
            print(golden.save(golden.capture(store, handler, runs[run], scenario, waiting_for), out))
    finally:
        store.close()


def _staged(store: Store, runs: dict[str, str]) -> str:
    """An evaluate run that waited for its staging job (the first to stage the model; others reuse it)."""
    for name in ("approved", "declined", "unanswered", "gated"):
        if any(e.get("Name") == STAGING for e in store.history(runs[name])):
            return name
    raise LookupError("no evaluate run staged its base model")
