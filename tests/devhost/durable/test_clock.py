"""Virtual and wall clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devhost.durable import VirtualClock, WallClock

from .replay import START


def test_virtual_clock_moves_only_by_advance_and_wakes_subscribers() -> None:
    clock, woken = VirtualClock(START), []
    unsubscribe = clock.subscribe(lambda: woken.append(clock.now()))
    clock.advance(timedelta(hours=72))
    unsubscribe()
    clock.advance(timedelta(hours=1))
    assert woken == [START + timedelta(hours=72)]
    assert clock.now() == START + timedelta(hours=73)


def test_virtual_clock_rejects_naive_start_and_going_backwards() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        VirtualClock(datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="backwards"):
        VirtualClock(START).advance(timedelta(seconds=-1))


def test_clocks_report_aware_utc() -> None:
    assert WallClock().now().tzinfo is UTC
    assert VirtualClock().now().tzinfo is UTC
