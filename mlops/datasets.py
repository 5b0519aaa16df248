"""Dataset registration: a dataset is a train and an eval JSONL file in Blob, checked before it is listed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from mlops.blob import BlobNotFound, BlobStore, InvalidBlobUri

REQUIRED_FIELDS = ("question", "context", "answer")


class InvalidDataset(ValueError):
    """A dataset file is missing or has a malformed row; the message names the file and line."""


class MissingDatasetFile(InvalidDataset):
    """No file at that URI: the request names something that is not there (404, like an unknown dataset)."""


@dataclass(frozen=True)
class CheckedFile:
    """A dataset file as validated: its row count, the Blob ETag of the version that was read, and the
    SHA-256 of its bytes (the eval set's version: runs are compared only on the same one)."""

    rows: int
    etag: str
    sha256: str


def check_file(blob: BlobStore, uri: str, max_bytes: int) -> CheckedFile:
    """Validate every row of the JSONL file at ``uri`` (at most ``max_bytes``, UTF-8, one JSON object a
    line with non-empty string question, context and answer); InvalidDataset naming the line otherwise.
    The version read is pinned by its ETag, so the ETag recorded is the one validated."""
    try:
        size, etag = blob.stat(uri)
    except BlobNotFound:
        raise MissingDatasetFile(f"{uri} does not exist") from None
    except InvalidBlobUri as exc:
        raise InvalidDataset(str(exc)) from None
    if size > max_bytes:
        raise InvalidDataset(f"{uri} is {size} bytes; the limit is {max_bytes} (DATASET_MAX_MB)")
    try:
        data = blob.download_version(uri, etag)
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidDataset(f"{uri} is not UTF-8 text (byte {exc.start})") from None
    return CheckedFile(_count_rows(uri, text), etag, content_sha256(data))


def content_sha256(data: bytes) -> str:
    """The eval set's version: the hex SHA-256 of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


def _count_rows(uri: str, text: str) -> int:
    rows = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InvalidDataset(f"{uri} line {number}: not JSON ({getattr(exc, 'msg', 'nested too deep')})") from None
        if not isinstance(row, dict):
            raise InvalidDataset(f"{uri} line {number}: not a JSON object")
        bad = [name for name in REQUIRED_FIELDS if not isinstance(row.get(name), str) or not row[name].strip()]
        if bad:
            raise InvalidDataset(f"{uri} line {number}: {', '.join(bad)} must be non-empty text")
        rows += 1
    if rows == 0:
        raise InvalidDataset(f"{uri} has no rows")
    return rows


def preview_rows(blob: BlobStore, uri: str, limit: int) -> list[dict[str, object]]:
    """The first ``limit`` rows of the JSONL file at ``uri`` (blank and malformed lines skipped)."""
    if not blob.exists(uri):
        raise InvalidDataset(f"{uri} does not exist")
    try:
        text = blob.read_text(uri)
    except UnicodeDecodeError:
        raise InvalidDataset(f"{uri} is not UTF-8 text") from None
    rows: list[dict[str, object]] = []
    for line in text.splitlines():
        if len(rows) >= limit:
            break
        try:
            row = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows
