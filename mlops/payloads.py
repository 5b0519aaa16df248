"""Typed payloads that cross the orchestrator/activity boundary, with an explicit JSON round trip.

The orchestrator passes ``model_dump(mode="json")`` dicts to activities and rebuilds results with
``model_validate``: the durable history only ever holds plain JSON.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RunStatus = Literal["pending", "loading", "training", "evaluating", "awaiting_approval", "completed", "failed"]
Decision = Literal["go_prod", "rejected", "expired"]
TaskType = Literal["finetune", "evaluate"]
JobMode = Literal["finetune", "generate"]
JobKind = Literal["stage", "finetune", "generate", "score"]  # every job the pipeline waits for
CardKind = Literal["approval_requested", "approval_reminder", "rejected", "go_prod", "expired", "failed"]


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class PermanentFailure(Payload):
    """What an activity returns instead of raising when retrying cannot help (a NaN-policy failure, invalid
    input): the orchestrator fails the stage with ``reason`` at once, and no attempt is repeated."""

    permanent_failure: str

    @staticmethod
    def reason_in(result: Any) -> str | None:
        """The reason when ``result`` is a PermanentFailure's JSON, else None."""
        if isinstance(result, dict) and set(result) == {"permanent_failure"}:
            return str(result["permanent_failure"])
        return None


class PipelineInput(Payload):
    """Everything the orchestration needs, fixed when the run is created (keeps replays deterministic)."""

    run_id: str
    model_id: str
    dataset: str
    train_uri: str
    eval_uri: str
    experiment_name: str
    task_type: TaskType
    ml_score_threshold: float
    metric_weights: dict[str, float]
    training_timeout_minutes: int
    approval_timeout_hours: float
    training_max_steps: int | None = None
    training_poll_minutes: int = 15
    approval_reminder_hours: float | None = None


class StatusUpdate(Payload):
    run_id: str
    status: RunStatus
    message: str
    decision: Decision | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class ModelRef(Payload):
    name: str
    version: str
    uri: str


class LoadModelRequest(Payload):
    run_id: str
    model_id: str


class StagingPlan(Payload):
    """Where the base model lives in Blob and its registry name; ``job_name`` names the staging job that
    copies it there, None when it is there already (a ``blob://`` id, or staged by an earlier run)."""

    name: str
    uri: str
    job_name: str | None = None


class TrainingRequest(Payload):
    run_id: str
    mode: JobMode
    base_model_uri: str
    train_uri: str
    eval_uri: str
    experiment_name: str
    max_steps: int | None = None
    model_id: str | None = None  # the run's model id, for the job's tags
    champion_model_uri: str | None = None  # also answer the eval set with the champion (no scores on it yet)


class TrainingSubmitted(Payload):
    job_name: str


class TrainingOutcome(Payload):
    """The payload of a job's completion event (training, staging or scoring), whichever path raised it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    succeeded: bool
    model_uri: str | None = None
    predictions_uri: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    reason: str | None = None


class RegisterModelRequest(Payload):
    run_id: str
    name: str
    source_uri: str
    tags: dict[str, str]


class PlanRequest(Payload):
    run_id: str
    predictions_uri: str
    metric_weights: dict[str, float]


class RowRange(Payload):
    """Rows [start, stop) of the predictions, in file order."""

    start: int
    stop: int


class EvaluationPlan(Payload):
    """The row ranges to score in parallel (at least one) and the judge metrics of the whole set."""

    batches: list[RowRange]
    judge_metrics: list[str]


class ScoringRequest(Payload):
    """The scoring job: score these row ranges of the predictions, each to its own blob beside them."""

    run_id: str
    predictions_uri: str
    batches: list[RowRange]
    judge_metrics: list[str]
    champion_predictions_uri: str | None = None  # the champion's answers to score with the same batches


class BatchScores(Payload):
    """Where a batch's scores were written (the history holds this, never the scores themselves)."""

    uri: str
    rows: RowRange


class EvaluationRequest(Payload):
    """The fan-in: the scored batches in row order, merged, summarised, stored and gated."""

    run_id: str
    predictions_uri: str
    experiment_name: str
    metric_weights: dict[str, float]
    ml_score_threshold: float
    batches: list[BatchScores]


class EvaluationOutcome(Payload):
    ml_score: float
    passed: bool
    metrics: dict[str, float | None]
    weights: dict[str, float]
    notes: list[str] = Field(default_factory=list)
    reason: str | None = None  # why a run that reached its threshold is rejected (the champion rule), else None


class TagRequest(Payload):
    model: ModelRef
    tags: dict[str, str]


class PublishRequest(Payload):
    event: str
    run_id: str
    task_type: TaskType
    payload: dict[str, Any] = Field(default_factory=dict)


class CardRequest(Payload):
    run_id: str
    kind: CardKind
    facts: dict[str, Any]


class ApprovalDecision(Payload):
    """The payload of the ``ApprovalDecision`` event, and the decision as recorded in PostgreSQL."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    decision: Literal["approve", "reject"]
    approver: str
    comment: str | None = None
    via: str = "api"
    decided_at: str | None = None


class DecisionQuery(Payload):
    run_id: str


def event_payload(raw: Any) -> dict[str, Any]:
    """Normalise an external event payload: the client and the extension may each JSON-encode it."""
    value = raw
    for _ in range(3):
        if not isinstance(value, str | bytes):
            break
        value = json.loads(value)
    if not isinstance(value, dict):
        raise ValueError(f"event payload must be a JSON object, got {type(value).__name__}")
    return value
