"""Dataset registration: a dataset is a train and an eval JSONL file in Blob, checked before it is listed."""

from __future__ import annotations

import json

from mlops.blob import BlobStore

REQUIRED_FIELDS = ("question", "context", "answer")


class InvalidDataset(ValueError):
    """A dataset file is missing or has a malformed row; the message names the file and line."""


def count_rows(blob: BlobStore, uri: str) -> int:
    """Validate every row of the JSONL file at ``uri`` and return how many there are."""
    if not blob.exists(uri):
        raise InvalidDataset(f"{uri} does not exist")
    rows = 0
    for number, line in enumerate(blob.read_text(uri).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidDataset(f"{uri} line {number}: not JSON ({exc.msg})") from exc
        missing = [name for name in REQUIRED_FIELDS if not isinstance(row, dict) or not row.get(name)]
        if missing:
            raise InvalidDataset(f"{uri} line {number}: missing {', '.join(missing)}")
        rows += 1
    if rows == 0:
        raise InvalidDataset(f"{uri} has no rows")
    return rows


def preview_rows(blob: BlobStore, uri: str, limit: int) -> list[dict[str, object]]:
    """The first ``limit`` rows of the JSONL file at ``uri`` (blank and malformed lines skipped)."""
    if not blob.exists(uri):
        raise InvalidDataset(f"{uri} does not exist")
    rows: list[dict[str, object]] = []
    for line in blob.read_text(uri).splitlines():
        if len(rows) >= limit:
            break
        try:
            row = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows
