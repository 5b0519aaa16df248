"""Instance status as the management API reports it (the extension's HTTP status payload)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.durable_functions.models.history import HistoryEventType

from devhost.durable.history import Event
from devhost.durable.records import InstanceRow

_HIDDEN = frozenset(
    {
        HistoryEventType.ORCHESTRATOR_STARTED,
        HistoryEventType.ORCHESTRATOR_COMPLETED,
        HistoryEventType.TASK_SCHEDULED,
    }
)
_JSON_FIELDS = ("Result", "Input")


@dataclass(frozen=True)
class InstanceStatus:
    """One orchestration instance; input/output/custom_status are parsed JSON values."""

    name: str
    instance_id: str
    runtime_status: str
    input: Any
    output: Any
    custom_status: Any
    created_time: datetime
    last_updated_time: datetime
    history: list[dict[str, Any]] | None = None
    version: str = ""  # not in the extension's HTTP payload: the app reports it through its custom status

    def to_management_json(self) -> dict[str, Any]:
        """The extension's status API JSON object (DurableOrchestrationStatus.from_json parses it)."""
        body: dict[str, Any] = {
            "name": self.name,
            "instanceId": self.instance_id,
            "runtimeStatus": self.runtime_status,
            "input": self.input,
            "customStatus": self.custom_status,
            "output": self.output,
            "createdTime": _seconds(self.created_time),
            "lastUpdatedTime": _seconds(self.last_updated_time),
        }
        if self.history is not None:
            body["historyEvents"] = self.history
        return body


def from_row(row: InstanceRow, events: list[Event] | None, show_input: bool) -> InstanceStatus:
    """Build the status of a stored instance; events (when given) become the history view."""
    return InstanceStatus(
        name=row.name,
        instance_id=row.instance_id,
        runtime_status=row.status,
        input=_parse(row.input_json) if show_input else None,
        output=_parse(row.output_json),
        custom_status=_parse(row.custom_status_json),
        created_time=row.created_time,
        last_updated_time=row.last_updated_time,
        history=history_view(events) if events is not None else None,
        version=row.version,
    )


def history_view(events: list[Event]) -> list[dict[str, Any]]:
    """History as the status API shows it: named event types, scheduling merged into its completion."""
    scheduled = {e["EventId"]: e for e in events if e["EventType"] == HistoryEventType.TASK_SCHEDULED}
    view: list[dict[str, Any]] = []
    for event in events:
        kind = HistoryEventType(event["EventType"])
        if kind in _HIDDEN:
            continue
        item = {k: v for k, v in event.items() if k not in ("EventId", "IsPlayed", "Version")}
        item["EventType"] = "".join(part.capitalize() for part in kind.name.split("_"))
        if kind == HistoryEventType.EXECUTION_STARTED:
            item["FunctionName"] = item.pop("Name")
        origin = scheduled.get(item.pop("TaskScheduledId", None))
        if origin is not None:
            item.update(FunctionName=origin["Name"], ScheduledTime=origin["Timestamp"])
        for key in _JSON_FIELDS:
            if isinstance(item.get(key), str) and kind != HistoryEventType.EXECUTION_TERMINATED:
                item[key] = _parse(item[key])
        view.append(item)
    return view


def _parse(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _seconds(moment: datetime) -> str:
    """The extension writes CreatedTime.ToString("s") + "Z": whole seconds, UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
