"""NCRONTAB, the six-field cron of Azure Functions timer triggers: ``{second} {minute} {hour} {day} {month}
{day-of-week}``, each ``*``, a value, a range ``a-b``, a step ``*/n`` or ``a-b/n``, or a comma list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_FIELDS = (("second", 0, 59), ("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 6))
_SEARCH_LIMIT = timedelta(days=366 * 4)


class ScheduleError(ValueError):
    """The schedule is not a six-field NCRONTAB expression; the message names the bad field."""


def _values(text: str, name: str, low: int, high: int) -> frozenset[int]:
    found: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if span == "*":
                first, last = low, high
            elif "-" in span:
                first, last = (int(v) for v in span.split("-", 1))
            else:
                first = last = int(span)
        except ValueError:
            raise ScheduleError(f"{name} field {text!r} is not NCRONTAB") from None
        if step < 1 or not low <= first <= last <= high:
            raise ScheduleError(f"{name} field {text!r} must lie in {low}-{high} with a positive step")
        found.update(range(first, last + 1, step))
    return frozenset(found)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule; ``next_after`` gives its next occurrence."""

    second: frozenset[int]
    minute: frozenset[int]
    hour: frozenset[int]
    day: frozenset[int]
    month: frozenset[int]
    weekday: frozenset[int]

    @classmethod
    def parse(cls, expression: str) -> Schedule:
        parts = expression.split()
        if len(parts) != len(_FIELDS):
            raise ScheduleError(f"schedule {expression!r} must have six fields (seconds first)")
        return cls(*(_values(text, *field) for text, field in zip(parts, _FIELDS, strict=True)))

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after ``moment`` (minute by minute, then the second)."""
        minute = moment.replace(second=0, microsecond=0)
        end = moment + _SEARCH_LIMIT
        while minute <= end:
            if self._matches_minute(minute):
                for second in sorted(self.second):
                    candidate = minute.replace(second=second)
                    if candidate > moment:
                        return candidate
            minute += timedelta(minutes=1)
        raise ScheduleError("the schedule never fires")

    def _matches_minute(self, at: datetime) -> bool:
        weekday = (at.weekday() + 1) % 7  # NCRONTAB: 0 = Sunday
        return (
            at.minute in self.minute
            and at.hour in self.hour
            and at.day in self.day
            and at.month in self.month
            and weekday in self.weekday
        )
