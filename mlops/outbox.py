"""The outbox relay: lifecycle events are written to PostgreSQL first, then published.

Publishing right after the commit keeps the usual latency; the timer-triggered relay (every minute)
is the backstop for a crash or a broker outage between the commit and the publish. Either path may
publish a message twice; its stable message id lets the broker's duplicate detection drop the copy,
and the consumers are idempotent on the run id. The sweeper re-publishes ``run.created`` of runs
still ``pending`` long after creation (a dead-lettered or expired start message) under a new id.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence

from azure.servicebus import ServiceBusMessage

from mlops.events import RUN_CREATED, EventPublisher, LifecycleEvent
from mlops.store import RunStore
from mlops.store.outbox import OutboxMessage

log = logging.getLogger(__name__)
HasOrchestration = Callable[[str], Awaitable[bool]]


def outbox_message(event: LifecycleEvent, topic: str) -> OutboxMessage:
    """The outbox row of ``event``: its body is fixed now, so every publish sends the same bytes."""
    body = event.body()
    return OutboxMessage(
        message_id=event.message_id,
        topic=topic,
        event_type=event.event,
        body=body,
        run_id=event.run_id,
        application_properties=event.application_properties(),
    )


def to_servicebus(message: OutboxMessage) -> ServiceBusMessage:
    """The Service Bus message of an outbox row (what LifecycleEvent.to_message would send)."""
    json.loads(message.body)  # a row that is not JSON is a bug: fail here, not at the consumer
    return ServiceBusMessage(
        message.body,
        content_type="application/json",
        subject=message.event_type,
        message_id=message.message_id,
        application_properties=dict(message.application_properties),  # type: ignore[arg-type]
    )


class OutboxRelay:
    """Publishes the outbox's unsent rows with the real Service Bus publisher."""

    def __init__(self, store: RunStore, publisher: EventPublisher) -> None:
        self._store = store
        self._publisher = publisher

    async def publish(self, message: OutboxMessage) -> None:
        """Send one outbox row (the store marks it sent)."""
        await self._publisher.send(to_servicebus(message))

    async def publish_now(self, message_ids: Sequence[str]) -> int:
        """Publish these rows after their commit; a failure leaves them to the timer (never raised)."""
        try:
            return await self._store.relay_outbox(self.publish, message_ids=message_ids)
        except Exception:  # the rows are committed: the relay timer publishes them
            log.warning("publishing %s after commit failed; the outbox relay will retry", list(message_ids))
            return 0

    async def drain(self, limit: int = 100) -> int:
        """Publish every unsent row (up to ``limit``), oldest first; returns how many were sent."""
        return await self._store.relay_outbox(self.publish, limit=limit)

    async def sweep_pending(self, older_than_s: float, has_orchestration: HasOrchestration) -> list[str]:
        """Re-publish ``run.created`` of each run ``pending`` for ``older_than_s`` with no orchestration, as a copy
        under a new message id (the consumer starts a run once whatever the copies); returns those run ids."""
        swept, copies = [], []
        for run_id in await self._store.stale_pending_runs(older_than_s):
            if await has_orchestration(run_id):
                continue
            original = LifecycleEvent(RUN_CREATED, run_id).message_id
            copy = f"{original}:sweep-{uuid.uuid4().hex[:12]}"
            if not await self._store.copy_message(original, copy):
                log.error("run %s is pending but has no run.created in the outbox", run_id)
                continue
            swept.append(run_id)
            copies.append(copy)
        if copies:
            await self._store.relay_outbox(self.publish, message_ids=copies)
        return swept
