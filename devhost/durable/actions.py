"""Reading the SDK's V3 action list, and the determinism check against what history recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from azure.durable_functions.models.actions import ActionType

from devhost.durable import history
from devhost.durable.errors import NonDeterminismError

# Actions whose task the SDK numbers with the next sequence id (the EventId of TaskScheduled/TimerCreated).
NUMBERED = frozenset(
    {
        ActionType.CALL_ACTIVITY,
        ActionType.CALL_ACTIVITY_WITH_RETRY,
        ActionType.CREATE_TIMER,
        ActionType.CALL_SUB_ORCHESTRATOR,
        ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY,
        ActionType.CALL_HTTP,
        ActionType.CALL_ENTITY,
        ActionType.SIGNAL_ENTITY,  # fire and forget, but the SDK still takes a sequence number for it
    }
)
_COMPOUND = frozenset({ActionType.WHEN_ANY, ActionType.WHEN_ALL})


@dataclass(frozen=True)
class RetryPolicy:
    """The SDK's RetryOptions: a fixed interval between attempts, at most max_attempts attempts."""

    first_interval_ms: int
    max_attempts: int


@dataclass(frozen=True)
class Action:
    """One flat action from the orchestrator's output, in scheduling order."""

    kind: ActionType
    name: str | None = None
    input: str | None = None
    fire_at: datetime | None = None
    cancelled: bool = False
    retry: RetryPolicy | None = None
    instance_id: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class Recorded:
    """An action accepted in an earlier episode, with the sequence id it was given (None: unnumbered)."""

    kind: int
    name: str | None
    event_id: int | None


def flatten(state_actions: list[list[dict[str, Any]]]) -> list[Action]:
    """Flatten the V3 action payload (one inner list, WhenAny/WhenAll nested) depth-first, in order."""
    flat: list[Action] = []
    for group in state_actions:
        for item in group:
            _walk(item, flat)
    return flat


def _walk(item: dict[str, Any], out: list[Action]) -> None:
    kind = ActionType(item["actionType"])
    if kind in _COMPOUND:
        for child in item.get("compoundActions", []):
            _walk(child, out)
        return
    out.append(_parse(kind, item))


def _parse(kind: ActionType, item: dict[str, Any]) -> Action:
    retry = item.get("retryOptions")
    fire_at = item.get("fireAt")
    return Action(
        kind=kind,
        name=item.get("functionName") or item.get("externalEventName") or item.get("operation"),
        input=item.get("input"),
        fire_at=history.parse(fire_at) if fire_at else None,
        cancelled=bool(item.get("isCanceled", False)),
        instance_id=item.get("instanceId") or None,
        version=item.get("version") or None,
        retry=RetryPolicy(int(retry["firstRetryIntervalInMilliseconds"]), int(retry["maxNumberOfAttempts"]))
        if retry
        else None,
    )


def new_actions(recorded: list[Recorded], current: list[Action]) -> list[Action]:
    """Check that replay scheduled what history recorded (kind, name, order); return the actions beyond it."""
    for position, (before, now) in enumerate(zip(recorded, current, strict=False)):
        if before.kind != now.kind or before.name != now.name:
            raise NonDeterminismError(
                _mismatch(position, _describe(before.kind, before.name), _describe(now.kind, now.name))
            )
    if len(current) < len(recorded):
        missing = recorded[len(current)]
        raise NonDeterminismError(_mismatch(len(current), _describe(missing.kind, missing.name), "nothing"))
    return current[len(recorded) :]


def _describe(kind: int, name: str | None) -> str:
    label = ActionType(kind).name
    return f"{label} {name!r}" if name else label


def _mismatch(position: int, before: str, now: str) -> str:
    return (
        f"Non-Deterministic workflow detected: a previous execution of this orchestration scheduled "
        f"{before} as action #{position}, but the current replay scheduled {now}. Was a change made to "
        f"the orchestrator code after this instance had already started running?"
    )
