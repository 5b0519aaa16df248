import pytest

from mlops.blob import BlobRef, InvalidBlobUri, parse_blob_uri


def test_parse() -> None:
    assert parse_blob_uri("blob://datasets/train/a.jsonl") == BlobRef("datasets", "train/a.jsonl")
    assert parse_blob_uri("blob://model-outputs/runs/x/finetuned/") == BlobRef("model-outputs", "runs/x/finetuned")
    assert parse_blob_uri("blob://datasets", require_path=False) == BlobRef("datasets", "")
    assert BlobRef("datasets", "a/b").uri == "blob://datasets/a/b"


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("https://acct.blob.core.windows.net/datasets/a", "does not start with blob://"),
        ("blob://Datasets/a", "not a valid container name"),
        ("blob://my--box/a", "not a valid container name"),
        ("blob://ab/a", "not a valid container name"),
        ("blob://datasets", "no blob path"),
        ("blob://datasets/a/../b", "'..' path segment"),
        ("blob://datasets/a//b", "empty"),
    ],
)
def test_bad_uris_say_what_is_wrong(uri: str, message: str) -> None:
    with pytest.raises(InvalidBlobUri, match=message):
        parse_blob_uri(uri)
