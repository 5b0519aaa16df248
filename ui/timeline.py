"""The run's stage timeline from its audit trail: pure functions, so they are testable without Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PIPELINE = ("pending", "loading", "training", "evaluating", "awaiting_approval", "completed")


@dataclass(frozen=True)
class Stage:
    status: str
    started: datetime | None
    seconds: float | None  # None: not reached; for the current stage, the time spent so far
    state: str  # done, current, skipped, todo, failed


def stages(run: dict[str, Any], now: datetime | None = None) -> list[Stage]:
    """One entry per pipeline stage, with how long it took (or has taken so far)."""
    moments = [
        (event["status"], datetime.fromisoformat(event["at"]))
        for event in run.get("events", [])
        if event.get("kind", "transition") == "transition"
    ]
    current = run["status"]
    clock = now or datetime.now(UTC)
    reached: dict[str, tuple[datetime, float]] = {}
    for index, (status, at) in enumerate(moments):
        end = moments[index + 1][1] if index + 1 < len(moments) else clock
        if status in reached:
            reached[status] = (reached[status][0], reached[status][1] + (end - at).total_seconds())
        else:
            reached[status] = (at, (end - at).total_seconds())
    order = list(PIPELINE) if current != "failed" else [*PIPELINE[:-1], "failed"]
    last = max((order.index(s) for s in reached if s in order), default=0)
    result = []
    for index, status in enumerate(order):
        if status in reached:
            started, seconds = reached[status]
            terminal = status in ("completed", "failed")
            state = "failed" if status == "failed" else "done" if status != current or terminal else "current"
            result.append(Stage(status, started, None if terminal else seconds, state))
        else:
            result.append(Stage(status, None, None, "skipped" if index < last else "todo"))
    return result


def progress(run: dict[str, Any]) -> float:
    """The share of the pipeline behind the run (1.0 once it is completed or failed)."""
    if run["status"] in ("completed", "failed"):
        return 1.0
    position = PIPELINE.index(run["status"]) if run["status"] in PIPELINE else 0
    return position / (len(PIPELINE) - 1)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def age(created_at: str, now: datetime | None = None) -> str:
    return duration(((now or datetime.now(UTC)) - datetime.fromisoformat(created_at)).total_seconds())
