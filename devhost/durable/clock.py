"""Clocks for the durable engine: wall time in production-like runs, virtual time in tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


class Clock(Protocol):
    """The engine's source of time; now() is timezone-aware UTC."""

    def now(self) -> datetime: ...


@runtime_checkable
class WakingClock(Protocol):
    """A clock that moves in jumps and tells its listeners when it moved (so nobody sleeps on wall time)."""

    def now(self) -> datetime: ...

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]: ...


class WallClock:
    """Real UTC time."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class VirtualClock:
    """Time that only moves by advance(); each move wakes the subscribed engines so due timers fire."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("VirtualClock start must be timezone-aware")
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the virtual current time."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        """Move time forward by delta and wake every subscriber."""
        if delta < timedelta(0):
            raise ValueError("VirtualClock cannot move backwards")
        with self._lock:
            self._now += delta
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call listener after every advance(); returns a function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe


class ShiftedClock(VirtualClock):
    """Wall time plus an offset that advance() grows: time flows (short retry timers fire on their
    own, woken by a tick) and tests can still jump over a 72 h wait in one call."""

    def __init__(self, tick_seconds: float = 0.5) -> None:
        super().__init__(datetime.now(UTC))
        self._offset = timedelta(0)
        threading.Thread(target=self._tick, args=(tick_seconds,), name="clock-tick", daemon=True).start()

    def now(self) -> datetime:
        """Return the wall time shifted by every advance() so far."""
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        """Jump forward by delta and wake every subscriber."""
        if delta < timedelta(0):
            raise ValueError("ShiftedClock cannot move backwards")
        with self._lock:
            self._offset += delta
        self._wake_all()

    def _wake_all(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def _tick(self, seconds: float) -> None:
        while True:
            time.sleep(seconds)
            with contextlib.suppress(RuntimeError):  # a listener whose loop has just closed
                self._wake_all()
