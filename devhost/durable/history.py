"""History events in the shape the Durable extension sends them to the Python SDK."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from azure.durable_functions.constants import DATETIME_STRING_FORMAT
from azure.durable_functions.models.history import HistoryEventType

Event = dict[str, Any]


def fmt(moment: datetime) -> str:
    """Format a timezone-aware moment as the SDK parses it (%Y-%m-%dT%H:%M:%S.%fZ, UTC)."""
    return moment.astimezone(UTC).strftime(DATETIME_STRING_FORMAT)


def parse(text: str) -> datetime:
    """Parse a timestamp written by fmt() or by the SDK (fireAt) into an aware UTC datetime."""
    return datetime.strptime(text, DATETIME_STRING_FORMAT).replace(tzinfo=UTC)


def event(kind: HistoryEventType, when: datetime, event_id: int = -1, **fields: Any) -> Event:
    """Build one history event; scheduling events carry their sequence number, all others -1."""
    return {"EventType": int(kind), "EventId": event_id, "IsPlayed": False, "Timestamp": fmt(when), **fields}


def orchestrator_started(when: datetime) -> Event:
    """Mark the start of an episode; its Timestamp becomes context.current_utc_datetime."""
    return event(HistoryEventType.ORCHESTRATOR_STARTED, when)


def orchestrator_completed(when: datetime) -> Event:
    """Mark the end of an episode (ignored by the SDK, kept for the history view)."""
    return event(HistoryEventType.ORCHESTRATOR_COMPLETED, when)


def execution_started(when: datetime, name: str, input_json: str | None, version: str = "") -> Event:
    """Start the orchestrator's code with its input (JSON text) and its version (context.version)."""
    return event(HistoryEventType.EXECUTION_STARTED, when, Name=name, Input=input_json, Version=version)


def task_scheduled(when: datetime, event_id: int, name: str, input_json: str | None) -> Event:
    """Record that activity `name` was scheduled with sequence number event_id."""
    return event(HistoryEventType.TASK_SCHEDULED, when, event_id, Name=name, Input=input_json)


def task_completed(when: datetime, task_id: int, result_json: str) -> Event:
    """Complete the activity scheduled as task_id with its JSON result."""
    return event(HistoryEventType.TASK_COMPLETED, when, TaskScheduledId=task_id, Result=result_json)


def task_failed(when: datetime, task_id: int, reason: str, details: str) -> Event:
    """Fail the activity scheduled as task_id; the SDK raises Exception(f"{Reason} \\n {Details}")."""
    return event(HistoryEventType.TASK_FAILED, when, TaskScheduledId=task_id, Reason=reason, Details=details)


def sub_orchestration_created(
    when: datetime, event_id: int, name: str, instance_id: str, input_json: str | None
) -> Event:
    """The parent scheduled a sub-orchestration (EventId = its sequence number)."""
    return event(
        HistoryEventType.SUB_ORCHESTRATION_INSTANCE_CREATED, when, event_id, Name=name, InstanceId=instance_id,
        Input=input_json,
    )  # fmt: skip


def sub_orchestration_completed(when: datetime, task_id: int, result_json: str | None) -> Event:
    """A sub-orchestration completed; the SDK matches TaskScheduledId to its creation."""
    kind = HistoryEventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED
    return event(kind, when, TaskScheduledId=task_id, Result=result_json)


def sub_orchestration_failed(when: datetime, task_id: int, reason: str, details: str) -> Event:
    """A sub-orchestration failed or was terminated; raised in the parent's generator."""
    return event(
        HistoryEventType.SUB_ORCHESTRATION_INSTANCE_FAILED, when, TaskScheduledId=task_id, Reason=reason,
        Details=details,
    )  # fmt: skip


def event_sent(when: datetime, event_id: int, target: str, name: str, input_json: str) -> Event:
    """A message to an entity; for a call, the SDK re-keys the waiting task by the request id in Input."""
    return event(HistoryEventType.EVENT_SENT, when, event_id, InstanceId=target, Name=name, Input=input_json)


def timer_created(when: datetime, event_id: int, fire_at: datetime) -> Event:
    """Record a durable timer with sequence number event_id."""
    return event(HistoryEventType.TIMER_CREATED, when, event_id, FireAt=fmt(fire_at))


def timer_fired(when: datetime, timer_id: int, fire_at: datetime) -> Event:
    """Fire the timer created as timer_id."""
    return event(HistoryEventType.TIMER_FIRED, when, TimerId=timer_id, FireAt=fmt(fire_at))


def event_raised(when: datetime, name: str, data_json: str | None) -> Event:
    """Deliver an external event; if nobody waits yet the SDK buffers it for a later wait."""
    return event(HistoryEventType.EVENT_RAISED, when, Name=name, Input=data_json)


def execution_completed(when: datetime, status: str, result_json: str | None) -> Event:
    """Close the history with the final status and result (or failure message) as JSON text."""
    return event(HistoryEventType.EXECUTION_COMPLETED, when, OrchestrationStatus=status, Result=result_json)


def execution_terminated(when: datetime, reason: str) -> Event:
    """Close the history of a terminated instance."""
    return event(HistoryEventType.EXECUTION_TERMINATED, when, Input=reason)


def execution_suspended(when: datetime, reason: str) -> Event:
    """The instance was suspended (shown in the history; the SDK skips it on replay)."""
    return event(HistoryEventType.EXECUTION_SUSPENDED, when, Reason=reason)


def execution_resumed(when: datetime, reason: str) -> Event:
    """The instance was resumed."""
    return event(HistoryEventType.EXECUTION_RESUMED, when, Reason=reason)


def replay(stored: list[Event], new: list[Event]) -> list[Event]:
    """The history an episode sends: stored events played, then this episode's new events unplayed."""
    return [{**e, "IsPlayed": True} for e in stored] + [{**e, "IsPlayed": False} for e in new]
