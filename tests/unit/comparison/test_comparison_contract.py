"""What the comparison routes answer matches their exact OpenAPI schemas (additionalProperties false)."""

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mlops.evaluation.comparison import compare, first_model, not_comparable
from mlops.store import SampleScore

SPEC = json.loads((Path(__file__).resolve().parents[3] / "triggers" / "openapi.json").read_text())
REGISTRY = Registry().with_resource("urn:api", Resource.from_contents(SPEC, default_specification=DRAFT202012))
REF = {"model": "m-ft v1", "name": "m-ft", "version": "1", "run_id": "r1", "eval_sha256": "abc"}


def _errors(schema: str, value: Any) -> list[str]:
    validator = Draft202012Validator({"$ref": f"urn:api#/components/schemas/{schema}"}, registry=REGISTRY)
    return [error.message for error in validator.iter_errors(value)]


def _samples(values: list[float]) -> list[SampleScore]:
    return [SampleScore(i, "q", "r", f"a{v}", {"exact_match": v, "rouge_l": None}, None) for i, v in enumerate(values)]


def test_a_compared_run_with_its_gate_matches_the_comparison_schema() -> None:
    result = compare(_samples([1.0, 0.0, 1.0]), _samples([1.0, 1.0, 0.0]), {"exact_match": 1.0}, REF, ["legal"] * 3)
    rule = {"metric": "ml_score", "threshold": None, "min_absolute_change": -0.02}
    gate = {"rule": rule | {"min_relative_change": None, "greater_is_better": True}, "passed": True, "reason": None}
    assert _errors("Comparison", result | {"eval_sha256": "abc", "gate": gate}) == []


def test_first_model_and_not_comparable_match_the_comparison_schema() -> None:
    assert _errors("Comparison", first_model()) == []
    assert _errors("Comparison", not_comparable(REF, "other eval set")) == []


def test_an_unknown_field_is_outside_the_schema() -> None:
    assert _errors("Comparison", first_model() | {"extra": 1}) != []
