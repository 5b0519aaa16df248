"""Runs scheduled activities: at most `limit` at once, sync functions on their own threads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from devhost.durable import history, worker
from devhost.durable.clock import Clock
from devhost.durable.errors import missing_function
from devhost.durable.history import Event
from devhost.durable.records import WorkItem

log = logging.getLogger("devhost.durable")


class ActivityRunner:
    """Turns a WorkItem into its TaskCompleted or TaskFailed history event."""

    def __init__(self, activities: Mapping[str, Callable[..., Any]], limit: int) -> None:
        self._activities = activities
        self._limit = asyncio.Semaphore(limit)
        # Sync activities get their own threads so long ones never starve the episodes' replays.
        self._pool = ThreadPoolExecutor(limit, thread_name_prefix="durable-activity")

    def names(self) -> frozenset[str]:
        """The registered activity names."""
        return frozenset(self._activities)

    async def run(self, item: WorkItem, clock: Clock) -> Event:
        """Run the activity once (waiting for a free slot) and return the event that reports its outcome."""
        async with self._limit:
            function = self._activities.get(item.name)
            log.debug("activity %s (task %d of %s) started", item.name, item.task_id, item.instance_id)
            if function is None:
                output = worker.ActivityOutput(None, missing_function(item.name, "activity"), "")
            else:
                output = await worker.run_activity(item.name, function, item.input, self._pool)
        now = clock.now()
        if output.reason is None:
            log.debug("activity %s (task %d of %s) completed", item.name, item.task_id, item.instance_id)
            return history.task_completed(now, item.task_id, str(output.result_json))
        log.warning("activity %s (task %d of %s) failed: %s", item.name, item.task_id, item.instance_id, output.reason)
        return history.task_failed(now, item.task_id, output.reason, output.details or "")

    def close(self) -> None:
        """Release the threads; a sync activity still running finishes but its result is dropped."""
        self._pool.shutdown(wait=False, cancel_futures=True)
