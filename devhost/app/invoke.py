"""Call a user function the way the worker does: bound kwargs, async awaited, sync in a thread pool."""

from __future__ import annotations

import asyncio
import functools
import threading
import uuid
from concurrent.futures import Executor
from typing import Any

import azure.functions as func
from azure.functions._abc import RetryContext, TraceContext

from devhost.app.functions import UserFunction


class MissingBindingError(RuntimeError):
    """The host has no value for a binding the function declares."""


class _TraceContext(TraceContext):
    """Empty W3C trace context (devhost does not propagate traces)."""

    @property
    def trace_state(self) -> str:
        return ""

    @property
    def trace_parent(self) -> str:
        return ""

    @property
    def attributes(self) -> dict[str, str]:
        return {}


class _RetryContext(RetryContext):
    """No host retry policy is applied by devhost."""

    @property
    def retry_count(self) -> int:
        return 0

    @property
    def max_retry_count(self) -> int:
        return 0

    @property
    def exception(self) -> Any:
        return None


class InvocationContext(func.Context):
    """The azure.functions.Context a function receives through a `context` parameter."""

    def __init__(self, function: UserFunction, invocation_id: str) -> None:
        self._function = function
        self._invocation_id = invocation_id
        self._local = threading.local()

    @property
    def invocation_id(self) -> str:
        return self._invocation_id

    @property
    def thread_local_storage(self) -> Any:
        return self._local

    @property
    def function_name(self) -> str:
        return self._function.name

    @property
    def function_directory(self) -> str:
        return self._function.directory

    @property
    def trace_context(self) -> TraceContext:
        return _TraceContext()

    @property
    def retry_context(self) -> RetryContext:
        return _RetryContext()


async def invoke(function: UserFunction, trigger_value: Any, *, client_binding: str | None, executor: Executor) -> Any:
    """Invoke with the trigger value (and the durable client binding JSON when the function takes one)."""
    kwargs: dict[str, Any] = {function.trigger_param: trigger_value}
    if function.client_param is not None:
        if client_binding is None:
            raise MissingBindingError(f"function {function.name} needs a durable client binding")
        kwargs[function.client_param] = client_binding
    if function.requires_context:
        kwargs["context"] = InvocationContext(function, str(uuid.uuid4()))
    if function.is_async:
        return await function.func(**kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(function.func, **kwargs))
