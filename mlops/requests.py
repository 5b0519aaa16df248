"""Validation of API request bodies: pydantic models whose errors name each bad field."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from mlops.evaluation import MetricWeights
from mlops.evaluation.mlscore import ANSWER_INDEPENDENT_METRICS

BodyT = TypeVar("BodyT", bound=BaseModel)
DATASETS_PREFIX = "blob://datasets/"
# Free text reaches PostgreSQL, whose text type cannot hold NUL: refused here (422), never a 500 there.
TEXT = r"^[^\x00]*$"
NAMED = r"^[^\x00]*[^\x00\s][^\x00]*$"  # an identifier: not blank (nothing is trimmed), no NUL
DATASET_NAME = r"^[a-z0-9][a-z0-9_\-]*$"
# A file of the datasets container by a plain path: no segment that is empty or starts with '.' ('..' climbs
# out), no query, fragment, backslash or control character. triggers/openapi.json carries the same pattern.
_SEGMENT = r"[^./?#\\\x00-\x1f][^/?#\\\x00-\x1f]*"
DATASET_URI = rf"^blob://datasets/(?:{_SEGMENT}/)*{_SEGMENT}\.jsonl$"
# Sequence numbers are Service Bus longs.
MAX_SEQUENCE_NUMBER = 2**63 - 1


class InvalidRequest(ValueError):
    """The body is not acceptable; ``fields`` maps each bad field to what is wrong with it."""

    def __init__(self, fields: dict[str, str], status: int = 422) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in fields.items()))
        self.fields = fields
        self.status = status


class _Body(BaseModel):
    """Exactly what triggers/openapi.json says: no extra key, no coercion (``"1"`` is not a number, ``false``
    not an integer) and no silent trimming, so the fuzzed contract test holds the two to each other."""

    model_config = ConfigDict(extra="forbid", strict=True)


class RunRequest(_Body):
    model_id: str = Field(min_length=1, max_length=512, pattern=NAMED)
    dataset: str = Field(min_length=1, max_length=128, pattern=NAMED)
    experiment_name: str = Field(min_length=1, max_length=256, pattern=NAMED)
    task_type: Literal["finetune", "evaluate"]
    # Left out: the gate policy's floor. Below the floor: 422 (mlops.gate decides, not the requester).
    ml_score_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    weight_profile: str | None = Field(default=None, min_length=1, max_length=64, pattern=TEXT)
    metric_weights: dict[str, float] | None = None

    @field_validator("metric_weights")
    @classmethod
    def _weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return None if value is None else MetricWeights.from_mapping(value).as_dict()


class ApprovalRequest(_Body):
    """A decision; who decides is the signed-in principal, never a field of the body."""

    decision: Literal["approve", "reject"]
    comment: str | None = Field(default=None, max_length=4000, pattern=TEXT)
    via: Literal["api", "ui"] = "api"


class RescoreRequest(_Body):
    """What-if weights for a run's stored per-sample scores (the recorded decision never changes)."""

    weights: dict[str, float]

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        weights = MetricWeights.from_mapping(value).as_dict()
        weighed = [name for name in ANSWER_INDEPENDENT_METRICS if weights[name] > 0]
        if weighed:  # as the gate refuses them: a what-if the gate would never accept would mislead
            raise ValueError(f"{weighed[0]} does not read the model's answer: it cannot weigh")
        return weights


def _integral(value: object) -> object:
    """JSON Schema's integer includes ``1.0``: an integral float is that integer (``1.5`` and ``true`` stay refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class RedriveRequest(_Body):
    """Dead-lettered messages of one subscription to re-drive, by sequence number."""

    subscription: str = Field(min_length=1, max_length=128)
    sequence_numbers: list[Annotated[int, BeforeValidator(_integral), Field(ge=0, le=MAX_SEQUENCE_NUMBER)]] = Field(
        min_length=1, max_length=200
    )


class DatasetRequest(_Body):
    name: str = Field(min_length=1, max_length=128, pattern=DATASET_NAME)
    domain: str = Field(min_length=1, max_length=64, pattern=TEXT)
    description: str = Field(default="", max_length=2000, pattern=TEXT)
    train_uri: str = Field(max_length=1024)
    eval_uri: str = Field(max_length=1024)

    @field_validator("train_uri", "eval_uri")
    @classmethod
    def _in_datasets_container(cls, uri: str) -> str:
        """Only the datasets container: the app's identity can read model outputs too, a requester must not."""
        if not uri.startswith(DATASETS_PREFIX):
            raise ValueError(f"must be a file in the datasets container ({DATASETS_PREFIX}...)")
        if not re.fullmatch(DATASET_URI, uri):
            raise ValueError(
                "must be a plain path ending in .jsonl: no empty segment or one starting with '.', "
                "no '?', '#', '\\' or control character"
            )
        return uri


def parse_body(model: type[BodyT], raw: bytes) -> BodyT:
    """Parse JSON ``raw`` into ``model``; raises InvalidRequest (400 bad JSON, 422 bad fields)."""
    try:
        data: Any = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidRequest({"body": f"not valid JSON: {exc}"}, status=400) from exc
    if not isinstance(data, dict):
        raise InvalidRequest({"body": "must be a JSON object"}, status=400)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(_field_errors(exc)) from exc


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "body"
        message = error["msg"].removeprefix("Value error, ")
        errors.setdefault(name, message)
    return errors
