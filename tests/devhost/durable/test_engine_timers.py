"""Durable timers on a virtual clock: event/timer races, buffered events, 72 h and chunked 7-day timers."""

from __future__ import annotations

import json
from datetime import timedelta

from devhost.durable import VirtualClock


async def test_event_wins_the_race_and_the_cancelled_timer_is_gone(engines, clock: VirtualClock) -> None:
    start = clock.now()
    async with engines() as engine:
        await engine.start_new("approval", "a1", None)
        await engine.wait_idle(10)
        assert engine.pending_timers("a1") == [start + timedelta(hours=72)]
        await engine.raise_event("a1", "Approval", json.dumps({"approver": "ana"}))
        await engine.wait_idle(10)
        status = engine.get_status("a1")
        assert status.runtime_status == "Completed"
        assert status.output == {"decision": {"approver": "ana"}, "greeting": "Hello approver"}
        assert status.custom_status == {"stage": "approved"}
        assert engine.pending_timers("a1") == []
        clock.advance(timedelta(hours=80))
        await engine.wait_idle(10)
        assert engine.get_status("a1").output["decision"] == {"approver": "ana"}


async def test_timer_wins_after_72_hours(engines, clock: VirtualClock) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "a2", None)
        await engine.wait_idle(10)
        clock.advance(timedelta(hours=71, minutes=59))
        await engine.wait_idle(10)
        assert engine.get_status("a2").runtime_status == "Running"
        clock.advance(timedelta(minutes=1))
        await engine.wait_idle(10)
        assert engine.get_status("a2").output == {"decision": "expired"}
        await engine.raise_event("a2", "Approval", json.dumps("too late"))
        await engine.wait_idle(10)
        assert engine.get_status("a2").output == {"decision": "expired"}


async def test_event_raised_before_the_wait_is_buffered(engines, clock: VirtualClock) -> None:
    async with engines() as engine:
        await engine.start_new("late_wait", "b1", None)
        await engine.wait_idle(10)
        await engine.raise_event("b1", "Approval", json.dumps("early bird"))
        await engine.wait_idle(10)
        assert engine.get_status("b1").runtime_status == "Running"
        clock.advance(timedelta(hours=1))
        await engine.wait_idle(10)
        assert engine.get_status("b1").output == "early bird"


async def test_event_raised_while_pending_is_delivered(engines) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "b2", None)
        await engine.raise_event("b2", "Approval", json.dumps("instant"))
        await engine.wait_idle(10)
        assert engine.get_status("b2").output["decision"] == "instant"


async def test_72_hour_timer_fires_on_the_virtual_clock(engines, clock: VirtualClock) -> None:
    start = clock.now()
    async with engines() as engine:
        await engine.start_new("sleeper", "s72", json.dumps(72))
        await engine.wait_idle(10)
        assert engine.pending_timers("s72") == [start + timedelta(hours=72)]
        clock.advance(timedelta(hours=72))
        await engine.wait_idle(10)
        assert engine.get_status("s72").output == (start + timedelta(hours=72)).isoformat()


async def test_seven_day_timer_is_split_into_chunks(engines, clock: VirtualClock) -> None:
    start = clock.now()
    async with engines() as engine:
        await engine.start_new("sleeper", "s7d", json.dumps(7 * 24))
        await engine.wait_idle(10)
        assert engine.pending_timers("s7d") == [start + timedelta(days=3)]
        clock.advance(timedelta(days=3))
        await engine.wait_idle(10)
        assert engine.get_status("s7d").runtime_status == "Running"
        assert engine.pending_timers("s7d") == [start + timedelta(days=7)]
        clock.advance(timedelta(days=4))
        await engine.wait_idle(10)
        status = engine.get_status("s7d", show_history=True)
        assert status.output == (start + timedelta(days=7)).isoformat()
        assert [e["EventType"] for e in status.history].count("TimerFired") == 2


async def test_timers_due_together_fire_in_one_jump(engines, clock: VirtualClock) -> None:
    start = clock.now()
    async with engines() as engine:
        await engine.start_new("sleeper", "jump", json.dumps(7 * 24))
        await engine.wait_idle(10)
        clock.advance(timedelta(days=30))
        await engine.wait_idle(10)
        assert engine.get_status("jump").output == (start + timedelta(days=30)).isoformat()


async def test_event_beats_a_chunked_seven_day_timer(engines, clock: VirtualClock) -> None:
    async with engines() as engine:
        await engine.start_new("approval", "week", json.dumps(7 * 24))
        await engine.wait_idle(10)
        assert engine.pending_timers("week") == [clock.now() + timedelta(days=3)]
        await engine.raise_event("week", "Approval", json.dumps("yes"))
        await engine.wait_idle(10)
        assert engine.get_status("week").output["decision"] == "yes"
        assert engine.pending_timers("week") == []
