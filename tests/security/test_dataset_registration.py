"""Hostile dataset registrations get 422 naming the field, and nothing is written (never a 500)."""

from __future__ import annotations

import json
import uuid

import pytest

from mlops.blob import BlobStore
from tests.e2e.conftest import Api
from tests.fixtures.devhost import RunningDevHost

ROW = json.dumps({"question": "q?", "context": "c.", "answer": "a"})


@pytest.fixture
def api(security_host: RunningDevHost) -> Api:
    return Api(security_host)


@pytest.fixture
def blob(security_env: dict[str, str]) -> BlobStore:
    return BlobStore.from_connection_string(security_env["BLOB_CONNECTION_STRING"])


def _upload(blob: BlobStore, data: bytes, container: str = "datasets") -> str:
    uri = f"blob://{container}/security/{uuid.uuid4().hex}.jsonl"
    blob.upload_bytes(uri, data)
    return uri


def _refused(api: Api, train_uri: str, eval_uri: str) -> dict[str, str]:
    name = f"hostile-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "domain": "qa", "train_uri": train_uri, "eval_uri": eval_uri}
    response = api.post("/datasets", body)
    assert response.status_code == 422, response.text
    assert name not in [d["name"] for d in api.get("/datasets").json()["datasets"]]
    return dict(response.json()["fields"])


def test_a_file_outside_the_datasets_container_is_refused(api: Api, blob: BlobStore) -> None:
    good = _upload(blob, ROW.encode())
    outside = _upload(blob, ROW.encode(), container="model-outputs")
    assert "datasets container" in _refused(api, outside, good)["train_uri"]


def test_a_path_that_climbs_out_is_refused(api: Api, blob: BlobStore) -> None:
    good = _upload(blob, ROW.encode())
    assert "eval_uri" in _refused(api, good, "blob://datasets/../model-outputs/x.jsonl")


def test_a_file_over_the_size_cap_is_refused(api: Api, blob: BlobStore) -> None:
    good = _upload(blob, ROW.encode())
    huge = _upload(blob, (ROW + "\n").encode() * (1024 * 1024 // len(ROW) + 10))
    assert "limit" in _refused(api, huge, good)["train_uri"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe not utf-8", "UTF-8"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"question": 1, "context": "c", "answer": "a"}', "question"),
        (b"[" * 100_000, "line 1"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_field(api: Api, blob: BlobStore, content: bytes, problem: str) -> None:
    good = _upload(blob, ROW.encode())
    assert problem in _refused(api, good, _upload(blob, content))["eval_uri"]


def test_a_registered_dataset_is_never_overwritten_and_keeps_its_etags(api: Api, blob: BlobStore) -> None:
    name = f"kept-{uuid.uuid4().hex[:8]}"
    first = {
        "name": name,
        "domain": "qa",
        "train_uri": _upload(blob, ROW.encode()),
        "eval_uri": _upload(blob, ROW.encode()),
    }
    created = api.post("/datasets", first)
    assert created.status_code == 201, created.text
    assert created.json()["train_etag"] and created.json()["eval_etag"]
    again = api.post(
        "/datasets", {**first, "description": "replaced", "eval_uri": _upload(blob, (ROW + "\n" + ROW).encode())}
    )
    assert again.status_code == 409
    stored = next(d for d in api.get("/datasets").json()["datasets"] if d["name"] == name)
    assert (stored["description"], stored["eval_rows"], stored["eval_etag"]) == ("", 1, created.json()["eval_etag"])
