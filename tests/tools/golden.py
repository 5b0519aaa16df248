"""Golden histories: what devhost's task hub stored for real runs, kept to replay against later code.

One golden history is an instance at a quiet point: its terminal outcome, or a wait (training,
evaluating, awaiting approval) cut just before the event that ended the wait, which is exactly what
the task hub held while it waited. With it go the actions the SDK had scheduled by then (kind, name,
sequence id), which the replay gate (tests/tools/replay_gate.py) compares with what the code does now.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from azure.durable_functions.models.actions import ActionType
from azure.durable_functions.models.history import HistoryEventType

from devhost.durable import worker
from devhost.durable.actions import flatten
from devhost.durable.history import Event
from devhost.durable.store import Store

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "histories"


@dataclass(frozen=True)
class RecordedAction:
    """One action the SDK scheduled, in order; event_id is its sequence number (None: an event wait)."""

    kind: str
    name: str | None
    event_id: int | None


@dataclass(frozen=True)
class GoldenHistory:
    """A recorded instance: its version, outcome (None while waiting), actions and raw history."""

    scenario: str
    version: str
    orchestrator: str
    instance_id: str
    waiting: bool
    output: Any
    actions: list[RecordedAction]
    history: list[Event]

    @property
    def input_json(self) -> str | None:
        """The orchestrator's input, as its ExecutionStarted event carries it."""
        started = next(e for e in self.history if e["EventType"] == HistoryEventType.EXECUTION_STARTED)
        return started.get("Input")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GoldenHistory:
        actions = [RecordedAction(**a) for a in data.pop("actions")]
        return cls(actions=actions, **data)


def load_all(root: Path = ROOT) -> list[GoldenHistory]:
    """Every golden history under root (one folder per version), in a stable order."""
    return [GoldenHistory.from_json(json.loads(p.read_text())) for p in sorted(root.glob("*/*.json"))]


def save(golden: GoldenHistory, root: Path = ROOT) -> Path:
    """Write root/<version>/<scenario>.json."""
    path = root / golden.version / f"{golden.scenario}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(golden.to_json(), indent=1, sort_keys=True) + "\n")
    return path


def capture(
    store: Store, handler: Callable[..., Any], instance_id: str, scenario: str, waiting_for: str | None = None
) -> GoldenHistory:
    """The instance as stored, or (waiting_for=an event name) as it was stored just before that event came."""
    row = store.instance(instance_id)
    if row is None:
        raise LookupError(f"no instance {instance_id} in the task hub")
    events = store.history(instance_id)
    if waiting_for is not None:
        events = events[: _episode_before(events, waiting_for)]
    state = replay_state(handler, instance_id, events)
    scheduled = flatten(state.get("actions") or [])
    ledger = row.ledger.actions[: len(scheduled)]
    if [(ActionType(a.kind), a.name) for a in ledger] != [(a.kind, a.name) for a in scheduled]:
        raise ValueError(f"{scenario}: the stored actions of {instance_id} differ from a replay by this code")
    return GoldenHistory(
        scenario=scenario,
        version=row.version,
        orchestrator=row.name,
        instance_id=instance_id,
        waiting=waiting_for is not None,
        output=None if waiting_for is not None else state.get("output"),
        actions=[RecordedAction(ActionType(a.kind).name, a.name, a.event_id) for a in ledger],
        history=events,
    )


def replay_state(handler: Callable[..., Any], instance_id: str, events: list[Event]) -> dict[str, Any]:
    """Replay a whole stored history through the SDK's handler, as the host does before the next episode."""
    started = next(e for e in events if e["EventType"] == HistoryEventType.EXECUTION_STARTED)
    played = [{**e, "IsPlayed": True} for e in events]
    output = worker.run_orchestrator(handler, worker.orchestrator_body(instance_id, started["Input"], played, True))
    if output.state is None:
        raise RuntimeError(f"the orchestrator raised while replaying: {output.error}")
    return output.state


def _episode_before(events: list[Event], name: str) -> int:
    """Index of the OrchestratorStarted opening the episode that delivered the first event `name`."""
    raised = next(
        i for i, e in enumerate(events) if e["EventType"] == HistoryEventType.EVENT_RAISED and e.get("Name") == name
    )
    return max(i for i in range(raised) if events[i]["EventType"] == HistoryEventType.ORCHESTRATOR_STARTED)
