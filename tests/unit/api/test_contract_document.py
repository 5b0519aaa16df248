"""triggers/openapi.json and the request models say the same thing: what one accepts the other accepts.

The fuzzed contract test (tests/e2e/test_http_contract_fuzz.py) finds a disagreement through the running
app; these pin the rules it relies on, without a stack.
"""

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from mlops.evaluation.mlscore import METRIC_NAMES
from mlops.requests import DATASET_URI, DatasetRequest, InvalidRequest, RunRequest, parse_body

DOCUMENT = json.loads((Path(__file__).parents[3] / "triggers" / "openapi.json").read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]
RUN = {"model_id": "org/model", "dataset": "rag_qa", "experiment_name": "exp", "task_type": "finetune"}
DATASET = {
    "name": "qa",
    "domain": "qa",
    "train_uri": "blob://datasets/qa/train.jsonl",
    "eval_uri": "blob://datasets/e.jsonl",
}


def _document_accepts(schema: str, body: dict[str, Any]) -> bool:
    """As schemathesis validates: jsonschema-rs, ECMA-262 patterns (``$`` is the end, never before a newline)."""
    root = {"$ref": f"#/components/schemas/{schema}", "components": DOCUMENT["components"]}
    return bool(jsonschema_rs.Draft202012Validator(root).is_valid(body))


def _model_accepts(model: type[RunRequest | DatasetRequest], body: dict[str, Any]) -> bool:
    try:
        parse_body(model, json.dumps(body).encode())
    except InvalidRequest:
        return False
    return True


def test_the_document_names_every_metric_the_server_weighs():
    assert set(SCHEMAS["RunRequest"]["properties"]["metric_weights"]["properties"]) == set(METRIC_NAMES)


def test_the_document_carries_the_servers_dataset_uri_pattern():
    properties = SCHEMAS["DatasetRequest"]["properties"]
    assert properties["train_uri"]["pattern"] == properties["eval_uri"]["pattern"] == DATASET_URI


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"metric_weights": {"rouge_l": 1}},
        {"metric_weights": {"rouge_l": 0}},
        {"metric_weights": {"bogus": 1}},
        {"metric_weights": {"rouge_l": -1}},
        {"metric_weights": {"rouge_l": True}},
        {"metric_weights": None, "ml_score_threshold": None, "weight_profile": None},
        {"ml_score_threshold": "0.5"},
        {"ml_score_threshold": 1.5},
        {"model_id": " org/model "},
        {"model_id": "org\x00model"},
        {"model_id": ""},
        {"task_type": "deploy"},
        {"extra": 1},
    ],
)
def test_a_run_request_is_accepted_by_both_or_refused_by_both(overrides):
    body = {**RUN, **overrides}
    assert _document_accepts("RunRequest", body) == _model_accepts(RunRequest, body)


@pytest.mark.parametrize(
    "uri",
    [
        "blob://datasets/a.jsonl",
        "blob://datasets/x/y/b.jsonl",
        "blob://model-outputs/a.jsonl",
        "blob://datasets/../model-outputs/a.jsonl",
        "blob://datasets/.hidden/a.jsonl",
        "blob://datasets//a.jsonl",
        "blob://datasets/a?b.jsonl",
        "blob://datasets/a\\b.jsonl",
        "blob://datasets/a\x01.jsonl",
        "blob://datasets/a.jsonl\n",
        "blob://datasets/a.json",
    ],
)
def test_a_dataset_uri_is_accepted_by_both_or_refused_by_both(uri):
    body = {**DATASET, "train_uri": uri}
    assert _document_accepts("DatasetRequest", body) == _model_accepts(DatasetRequest, body)
