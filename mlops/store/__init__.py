"""The run store: PostgreSQL (asyncpg) behind typed records and errors."""

from mlops.store.errors import (
    AlreadyDecided,
    DatasetNotFound,
    InvalidTransition,
    MigrationError,
    RunNotFound,
    StoreError,
)
from mlops.store.insights import Dashboard, SampleScore
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
)
from mlops.store.run_store import RunStore

__all__ = [
    "APPROVAL_DECISIONS",
    "DECISIONS",
    "EVENT_KINDS",
    "STATUSES",
    "TASK_TYPES",
    "TERMINAL_STATUSES",
    "AlreadyDecided",
    "ApprovalRecord",
    "Dashboard",
    "DatasetNotFound",
    "DatasetRecord",
    "InvalidTransition",
    "MigrationError",
    "NewRun",
    "RunEvent",
    "RunFields",
    "RunNotFound",
    "RunRecord",
    "RunStore",
    "SampleScore",
    "StoreError",
]
