"""Service Bus topic triggers: a peek-lock receiver per function, through the real azure-servicebus SDK."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor

from azure.servicebus import ServiceBusReceivedMessage, ServiceBusReceiveMode
from azure.servicebus.aio import ServiceBusClient, ServiceBusReceiver
from azure.servicebus.exceptions import ServiceBusError

from devhost.app.functions import ServiceBusFunction
from devhost.app.invoke import invoke
from devhost.app.settings import SettingsError, resolve_setting_refs
from devhost.servicebus.message import to_function_message

log = logging.getLogger("devhost.servicebus")
_FIRST_DELAY, _MAX_DELAY = 0.2, 5.0


class TriggerDispatcher:
    """Receives from one subscription and invokes the function: complete on success, abandon on failure."""

    def __init__(
        self,
        target: ServiceBusFunction,
        *,
        executor: Executor,
        client_binding: Callable[[], str],
        max_concurrent_calls: int,
        auto_complete: bool,
    ) -> None:
        name = target.function.name
        self._target, self._executor, self._client_binding = target, executor, client_binding
        self._limit, self._auto_complete = max(1, max_concurrent_calls), auto_complete
        self.topic = _resolve(name, target.topic_name)
        self.subscription = _resolve(name, target.subscription_name)
        if target.connection not in os.environ:
            raise SettingsError(f"function {name}: connection setting {target.connection!r} is not set")
        self._connection = os.environ[target.connection]
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None

    @property
    def in_flight(self) -> int:
        """Messages received and not yet settled."""
        return len(self._tasks)

    def start(self) -> None:
        """Start receiving in the background (retrying with backoff until the broker answers)."""
        self._runner = asyncio.create_task(self._run(), name=f"sb-{self._target.function.name}")

    async def stop(self, grace_s: float = 10.0) -> None:
        """Stop receiving, let in-flight invocations finish (up to grace_s), then close the link."""
        self._stop.set()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace_s)
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner

    async def _run(self) -> None:
        delay = _FIRST_DELAY
        while not self._stop.is_set():
            try:
                async with (
                    ServiceBusClient.from_connection_string(self._connection, retry_total=0) as client,
                    client.get_subscription_receiver(
                        self.topic,
                        self.subscription,
                        receive_mode=ServiceBusReceiveMode.PEEK_LOCK,
                        prefetch_count=0,
                    ) as receiver,
                ):
                    delay = _FIRST_DELAY
                    await self._pump(receiver)
            except (ServiceBusError, OSError) as exc:
                log.warning("%s/%s not reachable (%s); retrying in %.1fs", self.topic, self.subscription, exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                delay = min(delay * 2, _MAX_DELAY)

    async def _pump(self, receiver: ServiceBusReceiver) -> None:
        """Receive while slots are free; on stop, wait for the in-flight invocations before closing."""
        try:
            while not self._stop.is_set():
                free = self._limit - len(self._tasks)
                if free <= 0:
                    await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
                    continue
                for message in await receiver.receive_messages(max_message_count=free, max_wait_time=1):
                    task = asyncio.create_task(self._handle(receiver, message))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        finally:
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=10.0)

    async def _handle(self, receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage) -> None:
        """Invoke the function for one message and settle it as the host does."""
        name = self._target.function.name
        try:
            trigger_value = to_function_message(message)
            log.info(
                "Executing 'Functions.%s' (message %s, delivery %s)",
                name,
                message.message_id,
                trigger_value.delivery_count,
            )
            binding = self._client_binding() if self._target.function.client_param else None
            await invoke(self._target.function, trigger_value, client_binding=binding, executor=self._executor)
        except Exception:
            log.error("Executed 'Functions.%s' (Failed)\n%s", name, traceback.format_exc())
            await _settle(receiver.abandon_message, message)
            return
        log.info("Executed 'Functions.%s' (Succeeded)", name)
        if self._auto_complete:
            await _settle(receiver.complete_message, message)


async def _settle(
    action: Callable[[ServiceBusReceivedMessage], Awaitable[None]], message: ServiceBusReceivedMessage
) -> None:
    """Settle, logging (not raising) a lost lock or link: the broker then redelivers."""
    try:
        await action(message)
    except ServiceBusError as exc:
        log.warning("could not settle message %s: %s", message.message_id, exc)


def _resolve(function_name: str, value: str) -> str:
    """Resolve %Setting% references in a trigger property, naming the function on failure."""
    try:
        return resolve_setting_refs(value)
    except SettingsError as exc:
        raise SettingsError(f"function {function_name}: {exc}") from exc
