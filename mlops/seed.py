"""``python -m mlops.seed [--manifest data/datasets/manifest.json]``: upload the seed datasets, register them.

Reads DATABASE_URL and BLOB_CONNECTION_STRING (or BLOB_ACCOUNT_URL with a managed identity) from the
environment. Idempotent: files are overwritten and dataset rows upserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops.blob import BlobStore
from mlops.bootstrap import blob_store, connect_store
from mlops.datasets import content_sha256
from mlops.settings import Settings, SettingsError
from mlops.store import DatasetRecord, RunStore

DEFAULT_MANIFEST = Path(__file__).resolve().parents[1] / "data" / "datasets" / "manifest.json"


class SeedError(ValueError):
    """The manifest is malformed or disagrees with its files; the message names the entry."""


@dataclass(frozen=True)
class SeedFile:
    path: Path
    uri: str


@dataclass(frozen=True)
class SeedDataset:
    record: DatasetRecord
    files: tuple[SeedFile, SeedFile]


def read_manifest(manifest: Path) -> list[SeedDataset]:
    """The manifest's datasets, paths resolved against its folder, row counts checked against the files."""
    try:
        entries = json.loads(manifest.read_text())["datasets"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SeedError(f"{manifest}: not a dataset manifest ({exc})") from exc
    return [_dataset(manifest.parent, entry) for entry in entries]


def _dataset(root: Path, entry: dict[str, Any]) -> SeedDataset:
    try:
        files = tuple(_file(root, entry, split) for split in ("train", "eval"))
        record = DatasetRecord(
            name=entry["name"],
            domain=entry["domain"],
            description=entry.get("description", ""),
            train_uri=files[0].uri,
            eval_uri=files[1].uri,
            train_rows=int(entry["train_rows"]),
            eval_rows=int(entry["eval_rows"]),
            eval_sha256=content_sha256(files[1].path.read_bytes()),
        )
    except KeyError as exc:
        raise SeedError(f"manifest entry {entry.get('name', '?')!r} lacks {exc}") from exc
    for split, file, rows in (("train", files[0], record.train_rows), ("eval", files[1], record.eval_rows)):
        counted = sum(1 for line in file.path.read_text().splitlines() if line.strip())
        if counted != rows:
            raise SeedError(f"{record.name} {split}: manifest says {rows} rows, {file.path} has {counted}")
    return SeedDataset(record, (files[0], files[1]))


def _file(root: Path, entry: dict[str, Any], split: str) -> SeedFile:
    path = root / entry[f"{split}_path"]
    if not path.is_file():
        raise SeedError(f"{entry.get('name')!r}: {path} does not exist")
    return SeedFile(path, entry.get(f"{split}_blob") or f"blob://datasets/{split}/{path.name}")


async def seed(datasets: Sequence[SeedDataset], store: RunStore, blob: BlobStore) -> list[DatasetRecord]:
    """Upload each dataset's files and upsert its row; returns the rows as stored."""
    await asyncio.to_thread(blob.ensure_containers)
    stored = []
    for dataset in datasets:
        for file in dataset.files:
            await asyncio.to_thread(blob.upload_file, file.path, file.uri)
        stored.append(await store.upsert_dataset(dataset.record))
    return stored


async def _main(manifest: Path) -> list[DatasetRecord]:
    datasets = read_manifest(manifest)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise SystemExit(f"error: {exc}") from exc
    store = await connect_store(settings)
    try:
        await store.migrate()
        return await seed(datasets, store, blob_store(settings))
    finally:
        await store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Seed every dataset in the manifest and print one line per dataset."""
    parser = argparse.ArgumentParser(prog="python -m mlops.seed", description=__doc__)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    args = parser.parse_args(argv)
    for record in asyncio.run(_main(args.manifest)):
        print(f"seeded {record.name}: {record.train_rows} train rows, {record.eval_rows} eval rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
