"""Request validation: every bad field is named, defaults are applied, nothing else is accepted."""

import json

import pytest

from mlops.requests import ApprovalRequest, DatasetRequest, InvalidRequest, RunRequest, parse_body


def _run(**overrides):
    body = {"model_id": "org/model", "dataset": "rag_qa", "experiment_name": "exp", "task_type": "finetune"}
    body.update(overrides)
    return json.dumps(body).encode()


def test_run_request_applies_the_default_threshold():
    request = parse_body(RunRequest, _run())
    assert request.ml_score_threshold is None  # left out: the gate policy's floor applies
    assert request.metric_weights is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"task_type": "deploy"}, "task_type"),
        ({"ml_score_threshold": 1.5}, "ml_score_threshold"),
        ({"ml_score_threshold": "high"}, "ml_score_threshold"),
        ({"model_id": ""}, "model_id"),
        ({"dataset": None}, "dataset"),
        ({"unexpected": 1}, "unexpected"),
        ({"metric_weights": {"not_a_metric": 1.0}}, "metric_weights"),
        ({"metric_weights": {"rouge_l": -1.0}}, "metric_weights"),
    ],
)
def test_run_request_names_the_bad_field(overrides, field):
    with pytest.raises(InvalidRequest) as caught:
        parse_body(RunRequest, _run(**overrides))
    assert caught.value.status == 422
    assert any(name.startswith(field) for name in caught.value.fields)


def test_missing_fields_are_each_named():
    with pytest.raises(InvalidRequest) as caught:
        parse_body(RunRequest, b"{}")
    assert {"model_id", "dataset", "experiment_name", "task_type"} <= set(caught.value.fields)


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"", b"\xff"])
def test_a_body_that_is_not_an_object_is_a_400(raw):
    with pytest.raises(InvalidRequest) as caught:
        parse_body(RunRequest, raw)
    assert caught.value.status == 400
    assert "body" in caught.value.fields


def test_approval_request_accepts_only_approve_or_reject():
    assert parse_body(ApprovalRequest, b'{"decision": "approve"}').decision == "approve"
    with pytest.raises(InvalidRequest) as caught:
        parse_body(ApprovalRequest, b'{"decision": "maybe"}')
    assert set(caught.value.fields) == {"decision"}


def test_approval_request_refuses_an_approver_named_in_the_body():
    with pytest.raises(InvalidRequest) as caught:
        parse_body(ApprovalRequest, b'{"decision": "approve", "approver": "someone-else@contoso.com"}')
    assert set(caught.value.fields) == {"approver"}


def test_dataset_request_requires_blob_jsonl_uris():
    with pytest.raises(InvalidRequest) as caught:
        parse_body(
            DatasetRequest,
            json.dumps(
                {
                    "name": "Bad Name",
                    "domain": "x",
                    "train_uri": "/tmp/a.jsonl",
                    "eval_uri": "blob://datasets/e.jsonl",
                }
            ).encode(),
        )
    assert set(caught.value.fields) == {"name", "train_uri"}
