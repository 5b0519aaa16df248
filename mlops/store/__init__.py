"""The run store: PostgreSQL (asyncpg) behind typed records and errors."""

from mlops.store.approvals import Ballot, NewVote
from mlops.store.errors import (
    AlreadyDecided,
    AlreadyVoted,
    ApprovalWindowClosed,
    DatasetNotFound,
    InvalidTransition,
    MigrationError,
    NotAwaitingDecision,
    RunNotFound,
    StoreError,
)
from mlops.store.insights import Dashboard, SampleScore
from mlops.store.postgres import RunStore
from mlops.store.records import (
    APPROVAL_DECISIONS,
    DECISIONS,
    EVENT_KINDS,
    STATUSES,
    TASK_TYPES,
    TERMINAL_STATUSES,
    ApprovalRecord,
    DatasetRecord,
    NewRun,
    RunEvent,
    RunFields,
    RunRecord,
    VoteRecord,
)

__all__ = [
    "APPROVAL_DECISIONS",
    "DECISIONS",
    "EVENT_KINDS",
    "STATUSES",
    "TASK_TYPES",
    "TERMINAL_STATUSES",
    "AlreadyDecided",
    "AlreadyVoted",
    "ApprovalRecord",
    "ApprovalWindowClosed",
    "Ballot",
    "Dashboard",
    "DatasetNotFound",
    "DatasetRecord",
    "InvalidTransition",
    "MigrationError",
    "NewRun",
    "NewVote",
    "NotAwaitingDecision",
    "RunEvent",
    "RunFields",
    "RunNotFound",
    "RunRecord",
    "RunStore",
    "SampleScore",
    "StoreError",
    "VoteRecord",
]
