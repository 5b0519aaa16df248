"""Plain records passed between the store, the episode runner and the scheduler."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from devhost.durable import history
from devhost.durable.actions import Recorded, RetryPolicy
from devhost.durable.history import Event

ACTIVE = ("Pending", "Running", "Suspended")  # not final: commands and events are still taken
RUNNABLE = ("Pending", "Running")  # episodes run (a Suspended instance keeps its messages until resumed)


@dataclass
class RetryState:
    """A call_activity_with_retry in flight: its attempt, and whether it waits on its task or retry timer."""

    name: str
    input: str | None
    attempt: int
    policy: RetryPolicy
    waiting_on_timer: bool = False
    child_id: str | None = None  # a sub-orchestration retry: the instance id each attempt reuses
    sub: bool = False  # a sub-orchestration (else an activity)


@dataclass
class Ledger:
    """Per-execution bookkeeping: the next sequence id, the accepted actions and the retries in flight."""

    next_id: int = 0
    actions: list[Recorded] = field(default_factory=list)
    retries: dict[int, RetryState] = field(default_factory=dict)

    def allocate(self) -> int:
        """Hand out the next sequence id, in the same order the SDK numbers its tasks."""
        self.next_id += 1
        return self.next_id - 1

    def to_json(self) -> str:
        """Serialise for the instances table."""
        return json.dumps(
            {
                "next_id": self.next_id,
                "actions": [[a.kind, a.name, a.event_id] for a in self.actions],
                "retries": {
                    str(k): [
                        r.name,
                        r.input,
                        r.attempt,
                        r.policy.first_interval_ms,
                        r.policy.max_attempts,
                        r.waiting_on_timer,
                        r.child_id,
                        r.sub,
                    ]
                    for k, r in self.retries.items()
                },
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Ledger:
        """Inverse of to_json."""
        data: dict[str, Any] = json.loads(text)
        retries = {
            int(k): RetryState(v[0], v[1], v[2], RetryPolicy(v[3], v[4]), *v[5:]) for k, v in data["retries"].items()
        }
        return cls(data["next_id"], [Recorded(*a) for a in data["actions"]], retries)


@dataclass(frozen=True)
class InstanceRow:
    """One row of the instances table (JSON columns kept as text)."""

    instance_id: str
    name: str
    execution_id: str
    status: str
    input_json: str | None
    output_json: str | None
    custom_status_json: str | None
    created_time: datetime
    last_updated_time: datetime
    ledger: Ledger
    version: str = ""

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> InstanceRow:
        """Build from a SELECT of the instances table's columns in declaration order."""
        iid, name, execution, status, given, result, custom, created, updated, ledger, version = row
        return cls(
            iid,
            name,
            execution,
            status,
            given,
            result,
            custom,
            history.parse(created),
            history.parse(updated),
            Ledger.from_json(ledger),
            version,
        )


@dataclass(frozen=True)
class Message:
    """A pending inbox message: the history event it will append when delivered."""

    id: int
    kind: str
    event: Event


@dataclass(frozen=True)
class WorkItem:
    """An activity scheduled and not yet completed (re-run after a restart: at-least-once)."""

    id: int
    instance_id: str
    task_id: int
    name: str
    input: str | None


@dataclass(frozen=True)
class Child:
    """A sub-orchestration an episode starts: the parent's task id, the orchestrator, its id and input."""

    task_id: int
    name: str
    instance_id: str
    input: str | None
    version: str | None = None


@dataclass(frozen=True)
class EntityOp:
    """An operation queued for an entity: a signal (no request id) or a call the caller waits on."""

    entity_id: str
    operation: str
    input: str | None
    request_id: str | None = None
    caller: str | None = None


@dataclass
class Commit:
    """Everything one episode changes, applied atomically by the store."""

    instance_id: str
    execution_id: str
    name: str
    consumed: list[int]
    ledger: Ledger
    events: list[Event] = field(default_factory=list)
    status: str = "Running"
    output_json: str | None = None
    custom_status_json: str | None = None
    timers: list[tuple[int, datetime]] = field(default_factory=list)
    cancelled_timers: list[int] = field(default_factory=list)
    work: list[tuple[int, str, str | None]] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    entity_ops: list[EntityOp] = field(default_factory=list)
    restart_input: str | None = None
    restart: Event | None = None
    version: str = ""
