"""The staging and scoring jobs under the local job runner: Azurite in, the job's own process, Azurite out,
and the event that reports the outcome (what the orchestration waits for)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import AzuriteHandle, start_azurite
from mlops.blob import BlobStore
from mlops.evaluation.batches import batch_uri
from mlops.evaluation.scoring import ScoredRows
from mlops.events import SCORING_DONE, SCORING_FAILED, STAGING_DONE, STAGING_FAILED
from mlops.staging import COMPLETE_MARKER, needs_job, plan_staging
from mlops.training.job_runner import score, stage
from tests.tools.sample_rows import ROWS


@pytest.fixture(scope="module")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzuriteHandle]:
    handle = start_azurite(tmp_path_factory.mktemp("azurite"))
    yield handle
    handle.stop()


@pytest.fixture
def blob(azurite: AzuriteHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BlobStore:
    # What the scoring job reads as the app's settings (no judge: AZURE_AI_ENDPOINT unset).
    monkeypatch.setenv("BLOB_CONNECTION_STRING", azurite.connection_string)
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/mlops")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.delenv("AZURE_AI_ENDPOINT", raising=False)
    store = BlobStore.from_connection_string(azurite.connection_string)
    store.ensure_containers()
    return store


def test_staging_uploads_the_model_then_the_marker_and_reports_done(
    blob: BlobStore, tiny_model_dir: Path, tmp_path: Path
) -> None:
    plan = plan_staging(str(tiny_model_dir), blob)
    assert needs_job(str(tiny_model_dir), plan, blob)
    event = stage("run-s1", str(tiny_model_dir), plan.uri, blob, tmp_path)
    assert (event.event, event.payload["model_uri"]) == (STAGING_DONE, plan.uri)
    assert blob.exists(f"{plan.uri}/config.json") and blob.exists(f"{plan.uri}/{COMPLETE_MARKER}")
    assert not needs_job(str(tiny_model_dir), plan, blob)  # the next run with this model submits no job


def test_a_model_the_job_cannot_stage_is_a_failed_event_naming_it(blob: BlobStore, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-model")
    event = stage("run-s2", missing, "blob://model-outputs/base/none-1", blob, tmp_path)
    assert event.event == STAGING_FAILED
    assert (
        event.payload["reason"]
        == f"error: cannot fetch base model {missing!r}: not a HuggingFace id nor an existing local directory"
    )
    assert not blob.exists(f"blob://model-outputs/base/none-1/{COMPLETE_MARKER}")


def _predictions(blob: BlobStore, run_id: str) -> str:
    text = "".join(json.dumps(row.to_dict()) + "\n" for row in ROWS)
    uri = f"blob://model-outputs/runs/{run_id}/predictions.jsonl"
    blob.upload_bytes(uri, text.encode())
    return uri


def test_scoring_writes_each_batch_beside_the_predictions(blob: BlobStore, tmp_path: Path) -> None:
    predictions = _predictions(blob, "run-c1")
    event = score("run-c1", predictions, [(0, 2), (2, 3)], [], blob, tmp_path)
    assert event.event == SCORING_DONE, event.payload
    first = ScoredRows.from_json(blob.read_text(batch_uri(predictions, 0, 2)))
    second = ScoredRows.from_json(blob.read_text(batch_uri(predictions, 2, 3)))
    assert (len(first.samples), len(second.samples)) == (2, 1)
    assert first.samples[0]["exact_match"] == 1.0 and second.samples[0]["exact_match"] == 0.0


def test_a_batch_past_the_rows_fails_the_job_with_the_reason(blob: BlobStore, tmp_path: Path) -> None:
    predictions = _predictions(blob, "run-c2")
    event = score("run-c2", predictions, [(0, 9)], [], blob, tmp_path)
    assert (event.event, event.payload["reason"]) == (
        SCORING_FAILED,
        "error: a batch ends past the 3 rows of predictions.jsonl",
    )
