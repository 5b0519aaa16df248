"""The indexed view of a Function App: what the worker hands the host after indexing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


class FunctionLoadError(RuntimeError):
    """A function (or the app) cannot be indexed; the message names the function, like the worker's."""

    def __init__(self, function_name: str, msg: str) -> None:
        super().__init__(f"cannot load the {function_name} function: {msg}")
        self.function_name = function_name


class AppLoadError(RuntimeError):
    """The script module cannot be imported or exposes no (or several) FunctionRegister."""


@dataclass(frozen=True)
class UserFunction:
    """One function as the worker registered it: the callable and how to bind its parameters."""

    name: str
    func: Callable[..., Any]
    trigger_type: str
    trigger_param: str
    client_param: str | None
    requires_context: bool
    is_async: bool
    directory: str
    bindings: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class HttpFunction:
    """An HTTP-triggered function: route template (without the route prefix), methods, auth level."""

    function: UserFunction
    route: str
    methods: tuple[str, ...]
    auth_level: str


@dataclass(frozen=True)
class ServiceBusFunction:
    """A Service Bus topic-triggered function; names may still hold %Setting% references."""

    function: UserFunction
    topic_name: str
    subscription_name: str
    connection: str


@dataclass(frozen=True)
class TimerFunction:
    """A timer-triggered function: its six-field NCRONTAB schedule (may hold %Setting% references)."""

    function: UserFunction
    schedule: str
    run_on_startup: bool


@dataclass(frozen=True)
class DurableFunction:
    """An orchestrator, activity or entity, keyed by its durable name (binding name or function name)."""

    durable_name: str
    function: UserFunction


@dataclass
class FunctionIndex:
    """Everything the host needs from the app, by trigger kind."""

    module: ModuleType
    app: Any
    http: list[HttpFunction] = field(default_factory=list)
    service_bus: list[ServiceBusFunction] = field(default_factory=list)
    orchestrators: dict[str, DurableFunction] = field(default_factory=dict)
    activities: dict[str, DurableFunction] = field(default_factory=dict)
    entities: dict[str, DurableFunction] = field(default_factory=dict)
    timers: list[TimerFunction] = field(default_factory=list)

    @property
    def client_functions(self) -> list[str]:
        """Names of the functions that take a durable client binding."""
        everything = [h.function for h in self.http] + [s.function for s in self.service_bus]
        everything += [t.function for t in self.timers]
        return [f.name for f in everything if f.client_param is not None]
