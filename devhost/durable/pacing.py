"""Episode pacing: let results pile up for an instance whose activities are still running.

The extension hands an orchestrator every message waiting for it in one work item. Replaying a history
of N events costs O(N), so one episode per activity result makes a fan-out of N cost O(N²). An instance
with activities still in flight therefore waits, after an episode that took d seconds, up to d more
(capped) before the next: at most half the time goes to replays, and each replays a batch that grew
with N. An instance with nothing in flight (a result it waits for alone, an event, a timer) runs at once.
"""

from __future__ import annotations

MAX_HOLD_S = 1.0


class EpisodePacing:
    """When each instance's last episode ended and how long it took (monotonic seconds)."""

    def __init__(self, max_hold_s: float = MAX_HOLD_S) -> None:
        self._max_hold = max_hold_s
        self._last: dict[str, tuple[float, float]] = {}

    def record(self, instance_id: str, started: float, ended: float) -> None:
        """An episode of the instance ran from started to ended."""
        self._last[instance_id] = (ended, ended - started)

    def hold(self, instance_id: str, in_flight: bool, now: float) -> float:
        """Seconds the instance's next episode should wait (0: run it now)."""
        if not in_flight:
            self._last.pop(instance_id, None)
            return 0.0
        last = self._last.get(instance_id)
        if last is None:
            return 0.0
        ended, took = last
        return max(0.0, ended + min(took, self._max_hold) - now)
