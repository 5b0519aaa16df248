"""A dataset file is read at the version whose ETag is recorded: a change in between is refused."""

import uuid

import pytest

from mlops.blob import BlobError, BlobNotFound, BlobStore

pytest_plugins = ["tests.fixtures.services"]


def test_stat_gives_size_and_etag_and_the_pinned_version_downloads(blob_store: BlobStore) -> None:
    uri = f"blob://datasets/tests/{uuid.uuid4().hex}.jsonl"
    blob_store.upload_bytes(uri, b"0123456789")
    size, etag = blob_store.stat(uri)
    assert size == 10 and etag
    assert blob_store.download_version(uri, etag) == b"0123456789"


def test_a_file_changed_after_its_etag_was_read_is_refused(blob_store: BlobStore) -> None:
    uri = f"blob://datasets/tests/{uuid.uuid4().hex}.jsonl"
    blob_store.upload_bytes(uri, b"checked")
    _, etag = blob_store.stat(uri)
    blob_store.upload_bytes(uri, b"swapped")
    with pytest.raises(BlobError, match="at ETag"):
        blob_store.download_version(uri, etag)


def test_stat_of_a_missing_file_is_blob_not_found(blob_store: BlobStore) -> None:
    with pytest.raises(BlobNotFound):
        blob_store.stat(f"blob://datasets/tests/{uuid.uuid4().hex}.jsonl")
