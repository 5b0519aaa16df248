"""Typed rows of the run store: what goes in (NewRun, RunFields, DatasetRecord) and what comes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, get_args

from mlops.payloads import Decision, RunStatus, TaskType

# The vocabulary is the payloads' Literals; these tuples are their values, for checks at run time.
STATUSES: Final[tuple[RunStatus, ...]] = get_args(RunStatus)
TERMINAL_STATUSES: Final[frozenset[RunStatus]] = frozenset({"completed", "failed"})
DECISIONS: Final[tuple[Decision, ...]] = get_args(Decision)
EVENT_KINDS: Final = ("transition", "card", "event", "approval")
APPROVAL_DECISIONS: Final = ("approve", "reject")
TASK_TYPES: Final[tuple[TaskType, ...]] = get_args(TaskType)


@dataclass(frozen=True)
class DatasetRecord:
    name: str
    domain: str
    description: str
    train_uri: str
    eval_uri: str
    train_rows: int
    eval_rows: int
    created_at: datetime | None = None  # set by the database
    # The Blob ETags of the files as validated at registration (None: seeded before migration 009).
    train_etag: str | None = None
    eval_etag: str | None = None
    eval_sha256: str | None = None  # the eval file's content hash: runs are compared only on the same one


@dataclass(frozen=True)
class NewRun:
    """A run to create; ``run_id`` (a UUID string) is generated when not given."""

    model_id: str
    dataset: str
    experiment_name: str
    task_type: str
    ml_score_threshold: float
    metric_weights: Mapping[str, float] = field(default_factory=dict)
    created_by: str | None = None
    run_id: str | None = None
    created_by_oid: str | None = None
    approvals_required: int = 1
    # The gate policy in force (mlops.gate): its snapshot, version and the weight profile chosen.
    gate_policy: Mapping[str, Any] | None = None
    policy_version: str | None = None
    weight_profile: str | None = None

    def __post_init__(self) -> None:
        if self.task_type not in TASK_TYPES:
            raise ValueError(f"task_type must be one of {TASK_TYPES}, got {self.task_type!r}")


@dataclass(frozen=True)
class RunFields:
    """Columns a transition may set; ``None`` leaves a column as it is."""

    ml_score: float | None = None
    base_model_uri: str | None = None
    finetuned_model_uri: str | None = None
    registered_model: Mapping[str, Any] | None = None
    training_job: str | None = None
    failure_reason: str | None = None
    approval_deadline: str | None = None  # ISO 8601, as the orchestrator computed it

    def changes(self) -> dict[str, Any]:
        """The columns to update, by name."""
        return {name: value for name, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    status: str
    decision: str | None
    model_id: str
    dataset: str
    experiment_name: str
    task_type: str
    ml_score_threshold: float
    metric_weights: dict[str, float]
    ml_score: float | None
    base_model_uri: str | None
    finetuned_model_uri: str | None
    registered_model: dict[str, Any] | None
    training_job: str | None
    failure_reason: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    created_by_oid: str | None = None
    approvals_required: int = 1
    approval_deadline: datetime | None = None
    gate_policy: dict[str, Any] | None = None
    policy_version: str | None = None
    weight_profile: str | None = None
    eval_sha256: str | None = None  # the eval file this run was scored on (migration 011)
    comparison: dict[str, Any] | None = None  # against the champion, see mlops.evaluation.comparison

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass(frozen=True)
class RunEvent:
    id: int
    run_id: str
    kind: str
    status: str
    message: str
    details: dict[str, Any]
    dedupe_key: str | None
    at: datetime
    # The hash chain (migration 009, mlops.audit): position, previous event's hash, this event's hash.
    chain_seq: int = 0
    prev_hash: str = ""
    row_hash: str = ""


@dataclass(frozen=True)
class ApprovalRecord:
    """The run's one outcome: ``approve`` (N approvals reached), ``reject``, or ``expired`` (the deadline won)."""

    run_id: str
    decision: str
    approver: str
    comment: str | None
    via: str
    decided_at: datetime
    approver_oid: str | None = None


@dataclass(frozen=True)
class VoteRecord:
    """One principal's approve or reject on a run (at most one per principal and run)."""

    run_id: str
    approver_oid: str
    approver: str
    decision: str
    comment: str | None
    via: str
    decided_at: datetime
