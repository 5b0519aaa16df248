"""NCRONTAB schedules of timer triggers: six fields, seconds first, next occurrence strictly after a time."""

from datetime import UTC, datetime

import pytest

from devhost.timers.ncrontab import Schedule, ScheduleError

AT = datetime(2026, 12, 2, 14, 7, 30, tzinfo=UTC)  # a Wednesday


def test_every_minute_fires_at_the_next_whole_minute() -> None:
    assert Schedule.parse("0 * * * * *").next_after(AT) == datetime(2026, 12, 2, 14, 8, 0, tzinfo=UTC)


def test_a_step_in_minutes_with_a_second_offset() -> None:
    assert Schedule.parse("30 */5 * * * *").next_after(AT) == datetime(2026, 12, 2, 14, 10, 30, tzinfo=UTC)


def test_an_occurrence_equal_to_the_given_time_is_not_returned() -> None:
    at = datetime(2026, 12, 2, 14, 10, 30, tzinfo=UTC)
    assert Schedule.parse("30 */5 * * * *").next_after(at) == datetime(2026, 12, 2, 14, 15, 30, tzinfo=UTC)


def test_lists_ranges_and_the_day_of_week_with_sunday_as_zero() -> None:
    schedule = Schedule.parse("0 0 9,17 * * 0")
    assert schedule.next_after(AT) == datetime(2026, 12, 6, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("* * * * *", "six fields"),
        ("0 61 * * * *", "minute"),
        ("0 */0 * * * *", "positive step"),
        ("x * * * * *", "second"),
    ],
)
def test_a_bad_schedule_names_its_field(expression: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        Schedule.parse(expression)
