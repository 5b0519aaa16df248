"""The engine's background loop: episodes per instance (never two at once), activities up to a limit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from devhost.durable import entity_store, history
from devhost.durable.activities import ActivityRunner
from devhost.durable.clock import Clock, WakingClock
from devhost.durable.entities import EntityRunner
from devhost.durable.episode import Episode, run_episode
from devhost.durable.pacing import EpisodePacing
from devhost.durable.records import RUNNABLE, WorkItem
from devhost.durable.retries import take_batch
from devhost.durable.store import Store
from devhost.durable.versioning import FailureStrategy, VersionPolicy

log = logging.getLogger("devhost.durable")


class Scheduler:
    """Sleeps until new work or the next due timer (a WakingClock wakes it on advance), then dispatches."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        orchestrators: Mapping[str, Callable[..., Any]],
        activities: Mapping[str, Callable[..., Any]],
        max_concurrent_activities: int,
        versioning: VersionPolicy,
        entities: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self._store, self._clock = store, clock
        self._entities = EntityRunner(store, entities or {}, clock, self._notify)
        self._versioning = versioning
        # Instances this worker's version may not run (Reject): left as they are for a newer worker.
        self._rejected: set[str] = set()
        self._orchestrators = orchestrators
        self._runner = ActivityRunner(activities, max_concurrent_activities)
        self._episodes: dict[str, asyncio.Task[None]] = {}
        self._running: dict[int, asyncio.Task[None]] = {}
        self._wake, self._changed = asyncio.Event(), asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._pacing = EpisodePacing()
        self._held: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Begin dispatching persisted and new work on the running event loop."""
        loop = asyncio.get_running_loop()
        if isinstance(self._clock, WakingClock):

            def on_advance() -> None:
                loop.call_soon_threadsafe(self._wake.set)

            self._unsubscribe = self._clock.subscribe(on_advance)
        self._loop_task = asyncio.create_task(self._run(), name="durable-engine")

    async def stop(self) -> None:
        """Cancel the loop, episodes and activities; nothing half-done commits (activities re-run later)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._held is not None:
            self._held.cancel()
        tasks = [*self._episodes.values(), *self._running.values()]
        if self._loop_task is not None:
            tasks.append(self._loop_task)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._entities.stop()
        self._runner.close()

    def wake(self) -> None:
        """New work was stored: dispatch soon."""
        self._wake.set()

    async def wait_idle(self, timeout: float) -> None:  # noqa: ASYNC109 - mirrors DurableEngine.wait_idle
        """Return once nothing runs and nothing is runnable now; TimeoutError after timeout seconds."""
        async with asyncio.timeout(timeout):
            while not self._idle():
                self._changed.clear()
                await self._changed.wait()

    def _idle(self) -> bool:
        if self._episodes or self._running or self._entities.busy:
            return False
        return not self._runnable() and not self._store.work() and not entity_store.pending(self._store)

    def _runnable(self) -> list[str]:
        return [i for i in self._store.runnable(self._clock.now()) if i not in self._rejected]

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            delay = None
            try:
                self._dispatch()
                delay = self._sleep_seconds()
            except Exception:  # a store fault must not end the loop; the next wake-up tries again
                log.exception("durable dispatch failed")
            self._changed.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    def _sleep_seconds(self) -> float | None:
        if isinstance(self._clock, WakingClock):
            return None
        now = self._clock.now()
        due = self._store.next_due(now)
        return None if due is None else max((due - now).total_seconds(), 0.0)

    def _dispatch(self) -> None:
        work, now = self._store.work(), time.monotonic()
        in_flight = {item.instance_id for item in work}
        for instance_id in self._runnable():
            if instance_id in self._episodes:
                continue
            hold = self._pacing.hold(instance_id, instance_id in in_flight, now)
            if hold > 0:
                self._wake_after(hold)
            else:
                self._episodes[instance_id] = asyncio.create_task(self._episode(instance_id))
        for item in work:
            if item.id not in self._running:
                self._running[item.id] = asyncio.create_task(self._activity(item))
        self._entities.dispatch()

    def _wake_after(self, seconds: float) -> None:
        """One pending wake-up, at the earliest time a held episode may run."""
        loop = asyncio.get_running_loop()
        if self._held is not None and self._held.when() <= loop.time() + seconds:
            return
        if self._held is not None:
            self._held.cancel()
        self._held = loop.call_later(seconds, self._wake.set)

    async def _episode(self, instance_id: str) -> None:
        started = time.monotonic()
        try:
            await self._run_episode(instance_id)
            self._pacing.record(instance_id, started, time.monotonic())
        except Exception as exc:  # an engine fault fails this instance, not the loop
            log.exception("episode of %s crashed", instance_id)
            message, now = f"durable engine error: {exc!r}", self._clock.now()
            closing = history.execution_completed(now, "Failed", json.dumps(message))
            self._store.end(instance_id, "Failed", message, closing, now)
        finally:
            self._episodes.pop(instance_id, None)
            self._notify()

    async def _run_episode(self, instance_id: str) -> None:
        now = self._clock.now()
        row = self._store.instance(instance_id)
        if row is None or row.status not in RUNNABLE or not self._version_allows(row.instance_id, row.version, now):
            return
        batch = take_batch(self._store.messages(instance_id, now), row.ledger)
        if not batch:
            return
        episode = Episode(row, self._store.history(instance_id), batch, now, self._store.parent_of(instance_id))
        commit = await asyncio.to_thread(run_episode, episode, self._orchestrators.get(row.name), self._runner.names())
        applied = self._store.apply(commit, now)
        log.debug(
            "episode %s/%s: %d event(s) in, status %s, %d activity(ies), %d timer(s)%s",
            row.name,
            instance_id,
            len(batch),
            commit.status,
            len(commit.work),
            len(commit.timers),
            "" if applied else " (discarded: instance changed meanwhile)",
        )
        if applied and commit.status == "Failed":
            log.warning("orchestration %s/%s failed: %s", row.name, instance_id, commit.output_json)

    def _version_allows(self, instance_id: str, version: str, now: datetime) -> bool:
        """Match the instance's version against this worker's; on a mismatch reject it or fail it."""
        reason = self._versioning.mismatch(version)
        if reason is None:
            return True
        if self._versioning.failure is FailureStrategy.FAIL:
            closing = history.execution_completed(now, "Failed", json.dumps(reason))
            self._store.end(instance_id, "Failed", reason, closing, now)
            log.warning("orchestration %s failed: %s", instance_id, reason)
        else:
            self._rejected.add(instance_id)
            log.warning("orchestration %s left for a newer worker: %s", instance_id, reason)
        return False

    async def _activity(self, item: WorkItem) -> None:
        try:
            event = await self._runner.run(item, self._clock)
            self._store.complete_work(item, event, self._clock.now())
        finally:
            self._running.pop(item.id, None)
            self._notify()

    def _notify(self) -> None:
        self._wake.set()
        self._changed.set()
