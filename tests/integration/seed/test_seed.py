import json
from pathlib import Path

import pytest

from mlops.blob import BlobStore
from mlops.seed import DEFAULT_MANIFEST, SeedError, main, read_manifest, seed
from mlops.store import RunStore

pytest_plugins = ["tests.fixtures.services"]


def _manifest(tmp_path: Path, train_rows: int = 2) -> Path:
    (tmp_path / "train").mkdir()
    (tmp_path / "eval").mkdir()
    row = json.dumps({"question": "q", "context": "c", "answer": "a"})
    (tmp_path / "train" / "toy_train.jsonl").write_text(f"{row}\n{row}\n")
    (tmp_path / "eval" / "toy_eval.jsonl").write_text(f"{row}\n")
    entry = {
        "name": "toy",
        "domain": "toy",
        "description": "a toy set",
        "train_path": "train/toy_train.jsonl",
        "train_rows": train_rows,
        "eval_path": "eval/toy_eval.jsonl",
        "eval_rows": 1,
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"datasets": [entry]}))
    return path


def test_the_repository_manifest_reads() -> None:
    datasets = read_manifest(DEFAULT_MANIFEST)
    assert datasets and all(d.record.train_uri.startswith("blob://datasets/train/") for d in datasets)
    assert all(d.record.eval_uri.startswith("blob://datasets/eval/") for d in datasets)


def test_bad_manifests_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="manifest says 3 rows"):
        read_manifest(_manifest(tmp_path, train_rows=3))
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(SeedError, match="not a dataset manifest"):
        read_manifest(tmp_path / "bad.json")


async def test_seed_uploads_and_upserts_idempotently(
    tmp_path: Path, run_store: RunStore, blob_store: BlobStore
) -> None:
    datasets = read_manifest(_manifest(tmp_path))
    first = await seed(datasets, run_store, blob_store)
    again = await seed(datasets, run_store, blob_store)
    assert [d.name for d in await run_store.list_datasets()] == ["toy"]
    assert again[0].created_at == first[0].created_at
    assert first[0].train_uri == "blob://datasets/train/toy_train.jsonl"
    assert blob_store.read_text(first[0].train_uri).count("\n") == 2


def test_cli_seeds_the_repository_datasets(
    fresh_database: str,
    azurite: str,
    blob_store: BlobStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_database)
    monkeypatch.setenv("BLOB_CONNECTION_STRING", azurite)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///unused.db")
    assert main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(read_manifest(DEFAULT_MANIFEST)) and lines[0].startswith("seeded ")
    for dataset in read_manifest(DEFAULT_MANIFEST):
        assert blob_store.exists(dataset.record.train_uri) and blob_store.exists(dataset.record.eval_uri)
