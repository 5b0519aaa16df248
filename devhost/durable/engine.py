"""The local Durable Task engine: drives registered orchestrators through the SDK's own replay, in sqlite."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from devhost.durable import entity_store, history
from devhost.durable.clock import Clock
from devhost.durable.entity_store import EntityRecord
from devhost.durable.errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    UnknownOrchestrator,
)
from devhost.durable.records import ACTIVE, EntityOp, InstanceRow
from devhost.durable.scheduler import Scheduler
from devhost.durable.status import InstanceStatus, from_row
from devhost.durable.store import Store
from devhost.durable.versioning import VersionPolicy

log = logging.getLogger("devhost.durable")
UserFunction = Callable[..., Any]


class DurableEngine:
    """Instances, history and pending work of one task hub in a sqlite file, run by a background loop.

    An engine is started once and stopped once; build a new one on the same store_path to resume.
    """

    def __init__(
        self,
        *,
        orchestrators: Mapping[str, UserFunction],
        activities: Mapping[str, UserFunction],
        store_path: Path,
        clock: Clock,
        task_hub: str = "TestHubName",
        max_concurrent_activities: int = 4,
        versioning: VersionPolicy | None = None,
        entities: Mapping[str, UserFunction] | None = None,
    ) -> None:
        self._orchestrators, self._clock = dict(orchestrators), clock
        self._versioning = versioning or VersionPolicy()
        self._store = Store(Path(store_path), task_hub)
        self._scheduler = Scheduler(
            self._store,
            clock,
            self._orchestrators,
            dict(activities),
            max_concurrent_activities,
            self._versioning,
            dict(entities or {}),
        )

    async def start(self) -> None:
        """Begin the background loop; persisted work resumes (due timers fire, open activities re-run)."""
        self._scheduler.start()

    async def stop(self) -> None:
        """Stop the loop and close the store; work in flight is not committed, the next engine resumes it."""
        await self._scheduler.stop()
        self._store.close()

    async def start_new(
        self, name: str, instance_id: str | None, input_json: str | None, version: str | None = None
    ) -> str:
        """Schedule a new instance (Pending until its first episode); a finished id may be reused.

        Its version is fixed here: `version` when given, else the host's defaultVersion.
        """
        if name not in self._orchestrators:
            raise UnknownOrchestrator(name)
        instance_id = instance_id or uuid.uuid4().hex
        existing = self._store.instance(instance_id)
        if existing is not None and existing.status in ACTIVE:
            raise InstanceAlreadyExists(instance_id, existing.status)
        fixed = self._versioning.version_for(version)
        self._store.create(instance_id, name, input_json, self._clock.now(), fixed)
        log.debug("started %s/%s", name, instance_id)
        self._scheduler.wake()
        return instance_id

    async def raise_event(self, instance_id: str, name: str, data_json: str | None) -> None:
        """Deliver an external event (buffered until waited for); dropped if the instance has finished."""
        row = self._existing(instance_id)
        if row.status not in ACTIVE:
            log.warning("event %r to %s dropped: instance is %s", name, instance_id, row.status)
            return
        now = self._clock.now()
        self._store.post(instance_id, "event", history.event_raised(now, name, data_json), now)
        self._scheduler.wake()

    async def terminate(self, instance_id: str, reason: str) -> None:
        """Terminate a Pending/Running instance; InstanceNotRunning if it already finished."""
        row = self._existing(instance_id)
        now = self._clock.now()
        closing = history.execution_terminated(now, reason)
        if not self._store.end(instance_id, "Terminated", reason, closing, now):
            raise InstanceNotRunning(instance_id, row.status, "terminate")
        log.warning("terminated %s/%s: %s", row.name, instance_id, reason)
        self._scheduler.wake()

    async def suspend(self, instance_id: str, reason: str) -> None:
        """Suspend a Pending/Running instance (a Suspended one stays so); InstanceNotRunning once final."""
        row = self._existing(instance_id)
        if not self._store.suspend(instance_id, reason, self._clock.now()) and row.status != "Suspended":
            raise InstanceNotRunning(instance_id, row.status, "suspend")
        log.info("suspended %s/%s: %s", row.name, instance_id, reason)

    async def resume(self, instance_id: str, reason: str) -> None:
        """Resume a Suspended instance: messages that arrived meanwhile are delivered; InstanceNotRunning once final."""
        row = self._existing(instance_id)
        if not self._store.resume(instance_id, reason, self._clock.now()) and row.status not in ACTIVE:
            raise InstanceNotRunning(instance_id, row.status, "resume")
        self._scheduler.wake()

    async def restart(self, instance_id: str, new_instance_id: bool) -> str:
        """Start the instance's orchestrator again with its original input, under a new id or the same one."""
        row = self._existing(instance_id)
        return await self.start_new(row.name, None if new_instance_id else instance_id, row.input_json)

    async def purge(self, instance_id: str) -> bool:
        """Delete the instance, its history and pending work; False if there was none."""
        return self._store.purge(instance_id)

    async def signal_entity(self, name: str, key: str, operation: str, input_json: str | None) -> None:
        """Queue a one-way operation for the entity (created by its first operation that sets state)."""
        with self._store.tx() as t:
            entity_store.enqueue(t, EntityOp(entity_store.entity_id(name, key), operation, input_json))
        self._scheduler.wake()

    def read_entity(self, name: str, key: str) -> EntityRecord | None:
        """The entity's stored state, or None if it does not exist."""
        return entity_store.read(self._store, entity_store.entity_id(name, key))

    def list_entities(self, name: str) -> list[EntityRecord]:
        """Every existing entity of one entity function."""
        return entity_store.listing(self._store, name)

    def get_status(
        self, instance_id: str, *, show_history: bool = False, show_input: bool = True
    ) -> InstanceStatus | None:
        """The instance's status (with the history view when asked), or None if unknown."""
        row = self._store.instance(instance_id)
        if row is None:
            return None
        return from_row(row, self._store.history(instance_id) if show_history else None, show_input)

    def list_instances(
        self,
        *,
        runtime_status: Collection[str] | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        instance_id_prefix: str | None = None,
        show_input: bool = True,
    ) -> list[InstanceStatus]:
        """Instances matching every given filter, oldest first."""
        rows = [
            r
            for r in self._store.instances()
            if _matches(r, runtime_status, created_from, created_to, instance_id_prefix)
        ]
        return [from_row(r, None, show_input) for r in rows]

    def pending_timers(self, instance_id: str) -> list[datetime]:
        """Fire times of the instance's timers that are still waiting (cancelled and fired ones are gone)."""
        return [fire_at for _, fire_at in self._store.pending_timers(instance_id)]

    async def wait_idle(self, timeout: float) -> None:  # noqa: ASYNC109 - the host's contract names it so
        """Return when no episode or activity runs or is runnable now; TimeoutError after timeout seconds."""
        await self._scheduler.wait_idle(timeout)

    def _existing(self, instance_id: str) -> InstanceRow:
        row = self._store.instance(instance_id)
        if row is None:
            raise InstanceNotFound(instance_id)
        return row


def _matches(
    row: InstanceRow,
    statuses: Collection[str] | None,
    created_from: datetime | None,
    created_to: datetime | None,
    prefix: str | None,
) -> bool:
    return (
        (statuses is None or row.status in statuses)
        and (created_from is None or row.created_time >= created_from)
        and (created_to is None or row.created_time <= created_to)
        and (prefix is None or row.instance_id.startswith(prefix))
    )
