"""Episode pacing: an instance with activities in flight waits as long as its last episode took (capped)."""

from __future__ import annotations

from devhost.durable.pacing import EpisodePacing


def test_an_instance_with_nothing_in_flight_runs_at_once() -> None:
    pacing = EpisodePacing()
    pacing.record("i", started=10.0, ended=10.5)
    assert pacing.hold("i", in_flight=False, now=10.5) == 0.0


def test_an_instance_with_work_in_flight_waits_as_long_as_its_last_episode() -> None:
    pacing = EpisodePacing()
    pacing.record("i", started=10.0, ended=10.5)
    assert abs(pacing.hold("i", in_flight=True, now=10.6) - 0.4) < 1e-9


def test_the_wait_is_capped() -> None:
    pacing = EpisodePacing(max_hold_s=1.0)
    pacing.record("i", started=0.0, ended=30.0)
    assert pacing.hold("i", in_flight=True, now=30.0) == 1.0


def test_an_instance_never_run_waits_for_nothing() -> None:
    assert EpisodePacing().hold("new", in_flight=True, now=5.0) == 0.0
