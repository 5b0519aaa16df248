"""Runs durable entities: each entity's queued operations as one batch through the SDK's Entity handler."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from azure.functions._durable_functions import EntityContext

from devhost.durable import entity_store
from devhost.durable.clock import Clock
from devhost.durable.errors import missing_function
from devhost.durable.records import EntityOp
from devhost.durable.store import Store

log = logging.getLogger("devhost.durable")


class EntityRunner:
    """One batch per entity at a time; entities run side by side, each in a worker thread."""

    def __init__(
        self, store: Store, entities: Mapping[str, Callable[..., Any]], clock: Clock, on_done: Callable[[], None]
    ) -> None:
        self._store, self._entities, self._clock, self._on_done = store, entities, clock, on_done
        self._running: dict[str, asyncio.Task[None]] = {}

    @property
    def busy(self) -> bool:
        """Whether a batch runs now."""
        return bool(self._running)

    def dispatch(self) -> None:
        """Start a batch for every entity with queued operations and none running."""
        for entity in entity_store.pending(self._store):
            if entity not in self._running:
                self._running[entity] = asyncio.create_task(self._run(entity))

    async def stop(self) -> None:
        """Cancel running batches; their operations stay queued and run again."""
        for task in self._running.values():
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _run(self, entity: str) -> None:
        try:
            batch = entity_store.queued(self._store, entity)
            if batch:
                await self._run_batch(entity, batch)
        except Exception:  # an engine fault must not end the loop; the operations stay queued
            log.exception("entity %s: batch failed", entity)
        finally:
            self._running.pop(entity, None)
            self._on_done()

    async def _run_batch(self, entity: str, batch: list[tuple[int, EntityOp]]) -> None:
        name, key = entity_store.split(entity)
        stored = entity_store.read(self._store, entity)
        handler = self._entities.get(name)
        if handler is None:
            state, results = stored.state if stored else None, [_missing(name)] * len(batch)
        else:
            body = _body(name, key, stored.state if stored else None, [op for _, op in batch])
            output = json.loads(await asyncio.to_thread(handler, EntityContext(body)))
            state = output["entityState"] if output.get("entityExists") else None
            results = output["results"]
        replies = [
            (op.caller, op.request_id, json.dumps(_reply(result)))
            for (_, op), result in zip(batch, results, strict=True)
            if op.request_id and op.caller
        ]
        for (_, op), result in zip(batch, results, strict=True):
            if result.get("isError") and not op.request_id:
                log.warning("entity %s: signalled operation %r failed: %s", entity, op.operation, result["result"])
        entity_store.save(self._store, entity, state, [op_id for op_id, _ in batch], replies, self._clock.now())


def _body(name: str, key: str, state: str | None, ops: list[EntityOp]) -> str:
    """The entity trigger payload (DurableEntityContext.from_json reads self, state, exists, batch)."""
    # get_input() json.loads the field and then decodes the JSON text it holds: the input arrives as a string.
    batch = [{"name": op.operation, "input": json.dumps(op.input) if op.input is not None else "null"} for op in ops]
    return json.dumps({"self": {"name": name, "key": key}, "state": state, "exists": state is not None, "batch": batch})


def _reply(result: dict[str, Any]) -> dict[str, Any]:
    """The ResponseMessage a caller's EventRaised carries: the result, and exceptionType when it failed."""
    reply: dict[str, Any] = {"result": result["result"]}
    if result.get("isError"):
        reply["exceptionType"] = "System.Exception"
    return reply


def _missing(name: str) -> dict[str, Any]:
    return {"isError": True, "result": json.dumps(missing_function(name, "entity"))}
