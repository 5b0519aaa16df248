"""bench.load's reading of a run: start overhead from run.created to the first activity, and each stage's
overhead from a completion (an activity's, or a job's event) to the next activity, the job's work excluded."""

import pytest

from bench.load.measure import percentile, run_times

RUN = {"created_at": "2026-01-01T00:00:00+00:00"}
HISTORY = [
    {"EventType": "ExecutionStarted", "Timestamp": "2026-01-01T00:00:00.400Z"},
    {"EventType": "TaskCompleted", "ScheduledTime": "2026-01-01T00:00:00.500Z", "Timestamp": "2026-01-01T00:00:01Z"},
    {"EventType": "TaskCompleted", "ScheduledTime": "2026-01-01T00:00:01.200Z", "Timestamp": "2026-01-01T00:00:02Z"},
    {"EventType": "EventRaised", "Timestamp": "2026-01-01T00:00:30Z"},  # the job's 28 s are not overhead
    {"EventType": "TaskCompleted", "ScheduledTime": "2026-01-01T00:00:30.300Z", "Timestamp": "2026-01-01T00:00:31Z"},
    {"EventType": "ExecutionCompleted", "Timestamp": "2026-01-01T00:00:31.100Z"},
]
# A queued job outlives the status poll's timer: the poll is scheduled when the timer fires, 900 s after the
# submission completed; the wait is the job's, the 0.1 s after the timer is the orchestration's.
POLLED = [
    {"EventType": "ExecutionStarted", "Timestamp": "2026-01-01T00:00:00.400Z"},
    {"EventType": "TaskCompleted", "ScheduledTime": "2026-01-01T00:00:00.500Z", "Timestamp": "2026-01-01T00:00:01Z"},
    {"EventType": "TimerCreated", "Timestamp": "2026-01-01T00:00:01.100Z", "FireAt": "2026-01-01T00:15:01Z"},
    {"EventType": "TimerFired", "Timestamp": "2026-01-01T00:15:01Z", "FireAt": "2026-01-01T00:15:01Z"},
    {"EventType": "TaskCompleted", "ScheduledTime": "2026-01-01T00:15:01.100Z", "Timestamp": "2026-01-01T00:15:02Z"},
    {"EventType": "EventRaised", "Timestamp": "2026-01-01T00:20:00Z"},
    {"EventType": "TaskCompleted", "ScheduledTime": "2026-01-01T00:20:00.200Z", "Timestamp": "2026-01-01T00:20:01Z"},
]


def test_start_stage_and_end_to_end_times_come_from_the_history():
    times = run_times(RUN, HISTORY)
    assert times.start_s == pytest.approx(0.5)
    assert times.stage_s == pytest.approx([0.2, 0.3])
    assert times.end_to_end_s == pytest.approx(31.1)


def test_a_status_poll_counts_from_its_timer_not_from_the_submission():
    assert run_times(RUN, POLLED).stage_s == pytest.approx([0.1, 0.2])


def test_percentiles_interpolate_and_tolerate_few_values():
    assert percentile([], 0.95) == 0.0 and percentile([2.0], 0.95) == 2.0
    assert percentile([float(x) for x in range(1, 101)], 0.5) == pytest.approx(50.5, abs=0.5)
