"""Adapt indexed orchestrators and activities to the callables the durable engine invokes."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from devhost.app.functions import DurableFunction, UserFunction
from devhost.app.invoke import InvocationContext


def orchestrator_handlers(orchestrators: Mapping[str, DurableFunction]) -> dict[str, Callable[..., Any]]:
    """Durable name → the registered orchestrator handle (called with the OrchestrationContext)."""
    return {name: entry.function.func for name, entry in orchestrators.items()}


def entity_handlers(entities: Mapping[str, DurableFunction]) -> dict[str, Callable[..., Any]]:
    """Lowercased entity name → the registered Entity handle (called with the EntityContext)."""
    return {name: entry.function.func for name, entry in entities.items()}


def activity_handlers(activities: Mapping[str, DurableFunction]) -> dict[str, Callable[..., Any]]:
    """Durable name → a one-argument callable binding the decoded input to the trigger parameter."""
    return {name: _bind_activity(entry.function) for name, entry in activities.items()}


def _bind_activity(function: UserFunction) -> Callable[..., Any]:
    """Keep sync functions sync (the engine runs them in a thread) and async ones async."""

    def kwargs_for(value: Any) -> dict[str, Any]:
        kwargs = {function.trigger_param: value}
        if function.requires_context:
            kwargs["context"] = InvocationContext(function, str(uuid.uuid4()))
        return kwargs

    if inspect.iscoroutinefunction(function.func):

        async def call_async(value: Any) -> Any:
            return await function.func(**kwargs_for(value))

        return call_async

    def call_sync(value: Any) -> Any:
        return function.func(**kwargs_for(value))

    return call_sync
