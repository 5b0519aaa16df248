"""Publish the runner's completion event, retrying with capped backoff while the broker is away."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from azure.servicebus.exceptions import ServiceBusError

from mlops.events import EventPublisher, LifecycleEvent

log = logging.getLogger(__name__)
DEFAULT_DEADLINE_S = 600.0


class PublishError(RuntimeError):
    """The event was not published before the deadline; the message names the event and the last error."""


async def publish_with_retry(
    publisher: EventPublisher,
    event: LifecycleEvent,
    *,
    deadline_s: float = DEFAULT_DEADLINE_S,
    first_delay_s: float = 1.0,
    max_delay_s: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Publish ``event``, retrying Service Bus or socket errors until ``deadline_s``; return the attempts."""
    give_up_at = clock() + deadline_s
    delay, attempt = first_delay_s, 0
    while True:
        attempt += 1
        try:
            await publisher.publish(event)
            return attempt
        except (ServiceBusError, OSError) as exc:
            remaining = give_up_at - clock()
            if remaining <= 0:
                raise PublishError(
                    f"{event.event} for run {event.run_id} not published after {attempt} attempts: {exc}"
                ) from exc
            log.warning("publish attempt %d of %s failed (%s); retrying in %.1f s", attempt, event.event, exc, delay)
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, max_delay_s)
