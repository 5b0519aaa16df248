import uuid
from pathlib import Path

import pytest

from devstack import connection_string, free_port
from mlops.blob import BlobError, BlobNotFound, BlobStore, InvalidBlobUri

pytest_plugins = ["tests.fixtures.services"]


@pytest.fixture
def prefix() -> str:
    return f"blob://model-outputs/tests/{uuid.uuid4().hex}"


def test_bytes_and_text_round_trip(blob_store: BlobStore, prefix: str) -> None:
    uri = f"{prefix}/note.txt"
    assert not blob_store.exists(uri)
    assert blob_store.upload_bytes(uri, "héllo\n".encode()) == uri
    assert blob_store.exists(uri)
    assert blob_store.read_text(uri) == "héllo\n"
    blob_store.upload_bytes(uri, b"second")
    assert blob_store.download_bytes(uri) == b"second"


def test_missing_blobs_and_bad_uris(blob_store: BlobStore, prefix: str) -> None:
    with pytest.raises(BlobNotFound, match="no blob at"):
        blob_store.download_bytes(f"{prefix}/absent")
    with pytest.raises(BlobNotFound, match="nothing under"):
        blob_store.download_dir(prefix, Path("/nonexistent"))
    with pytest.raises(InvalidBlobUri):
        blob_store.read_text("datasets/train/a.jsonl")
    with pytest.raises(BlobError, match="cannot upload"):
        blob_store.upload_bytes("blob://no-such-container/a", b"x")


def test_files_and_directories_round_trip(blob_store: BlobStore, prefix: str, tmp_path: Path) -> None:
    source = tmp_path / "model"
    (source / "tokenizer").mkdir(parents=True)
    (source / "config.json").write_text('{"a": 1}')
    (source / "model.safetensors").write_bytes(bytes(range(256)) * 1000)
    (source / "tokenizer" / "vocab.json").write_text("{}")
    assert blob_store.upload_dir(source, f"{prefix}/model/") == f"{prefix}/model"
    assert blob_store.list_sizes(f"{prefix}/model") == {
        "config.json": 8,
        "model.safetensors": 256_000,
        "tokenizer/vocab.json": 2,
    }
    dest = blob_store.download_dir(f"{prefix}/model", tmp_path / "copy")
    for name in ("config.json", "model.safetensors", "tokenizer/vocab.json"):
        assert (dest / name).read_bytes() == (source / name).read_bytes()
    single = blob_store.download_file(f"{prefix}/model/config.json", tmp_path / "one" / "c.json")
    assert single.read_text() == '{"a": 1}'
    assert blob_store.upload_file(single, f"{prefix}/c.json") == f"{prefix}/c.json"


def test_download_dir_skips_files_of_the_same_size(blob_store: BlobStore, prefix: str, tmp_path: Path) -> None:
    blob_store.upload_bytes(f"{prefix}/d/same.txt", b"remote")
    blob_store.upload_bytes(f"{prefix}/d/other.txt", b"remote")
    dest = tmp_path / "d"
    dest.mkdir()
    (dest / "same.txt").write_bytes(b"LOCAL!")  # same size: kept as is
    (dest / "other.txt").write_bytes(b"stale, longer")  # different size: downloaded again
    blob_store.download_dir(f"{prefix}/d", dest)
    assert (dest / "same.txt").read_bytes() == b"LOCAL!"
    assert (dest / "other.txt").read_bytes() == b"remote"


def test_ensure_containers_is_idempotent(blob_store: BlobStore) -> None:
    blob_store.ensure_containers()
    blob_store.ensure_containers("scratch-area")
    blob_store.upload_bytes("blob://scratch-area/x", b"1")


def test_ping(blob_store: BlobStore) -> None:
    blob_store.ping()
    unreachable = BlobStore.from_connection_string(connection_string(free_port()))
    with pytest.raises(BlobError, match="did not answer"):
        unreachable.ping()
