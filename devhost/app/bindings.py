"""Binding validation the Python worker performs when it indexes a function (functions.Registry)."""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import azure.functions as func

from devhost.app.functions import FunctionLoadError, UserFunction

SUPPORTED_TRIGGERS = frozenset(
    {"httpTrigger", "serviceBusTrigger", "timerTrigger", "orchestrationTrigger", "activityTrigger", "entityTrigger"}
)
SUPPORTED_INPUTS = frozenset({"durableClient"})


def build_user_function(function: func.decorators.function_app.Function, directory: Path) -> UserFunction:
    """Validate one indexed function against its signature and return how to invoke it."""
    name = str(function.get_function_name())
    bindings: list[dict[str, Any]] = json.loads(function.get_function_json())["bindings"]
    user_func = function.get_user_function()
    params = dict(inspect.signature(user_func).parameters)
    try:
        annotations = typing.get_type_hints(user_func)
    except Exception as exc:
        raise FunctionLoadError(name, f"cannot resolve type annotations: {exc}") from exc
    bound = _bound_params(name, bindings)
    requires_context = _pop_context(name, params, bound, annotations)
    if set(params) - set(bound):
        raise FunctionLoadError(
            name,
            f"the following parameters are declared in Python but not in function.json: {set(params) - set(bound)!r}",
        )
    if set(bound) - set(params):
        raise FunctionLoadError(
            name,
            f"the following parameters are declared in function.json but not in Python: {set(bound) - set(params)!r}",
        )
    trigger = _single_trigger(name, bindings)
    for param_name, binding in bound.items():
        _check_annotation(name, param_name, binding["type"], annotations.get(param_name))
    client = next((b["name"] for b in bound.values() if b["type"] == "durableClient"), None)
    return UserFunction(
        name=name,
        func=user_func,
        trigger_type=trigger["type"],
        trigger_param=trigger["name"],
        client_param=client,
        requires_context=requires_context,
        is_async=inspect.iscoroutinefunction(user_func),
        directory=str(directory),
        bindings=tuple(bindings),
    )


def _bound_params(name: str, bindings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Map parameter name to binding, rejecting directions and binding types devhost cannot honour."""
    bound: dict[str, dict[str, Any]] = {}
    for binding in bindings:
        direction = str(binding.get("direction", "IN")).upper()
        kind = binding["type"]
        if direction == "INOUT":
            raise FunctionLoadError(name, '"inout" bindings are not supported')
        if binding["name"] == "$return":
            if direction != "OUT":
                raise FunctionLoadError(name, '"$return" binding must have direction set to "out"')
            if kind != "http":
                raise FunctionLoadError(name, f'devhost does not support a "{kind}" return binding')
            continue
        if direction == "OUT":
            raise FunctionLoadError(name, f'devhost does not support the "{kind}" output binding')
        if kind not in SUPPORTED_TRIGGERS and kind not in SUPPORTED_INPUTS:
            raise FunctionLoadError(name, f'devhost does not support the "{kind}" binding type')
        bound[binding["name"]] = binding
    return bound


def _single_trigger(name: str, bindings: list[dict[str, Any]]) -> dict[str, Any]:
    """The one trigger binding of the function."""
    triggers = [b for b in bindings if str(b["type"]).endswith("Trigger")]
    if len(triggers) != 1:
        raise FunctionLoadError(name, f"a function must have exactly one trigger, found {len(triggers)}")
    return triggers[0]


def _pop_context(
    name: str, params: dict[str, inspect.Parameter], bound: Mapping[str, Any], annotations: Mapping[str, Any]
) -> bool:
    """An unbound `context` parameter receives azure.functions.Context, as in the worker."""
    if "context" not in params or "context" in bound:
        return False
    params.pop("context")
    anno = annotations.get("context")
    if anno is not None and (not isinstance(anno, type) or anno.__name__ != "Context"):
        raise FunctionLoadError(
            name, f'the "context" parameter is expected to be of type azure.functions.Context, got {anno!r}'
        )
    return True


def _check_annotation(name: str, param: str, binding_type: str, anno: Any) -> None:
    """The parameter's annotation must be one the binding's converter accepts (str/bytes are generic)."""
    if anno is None:
        return
    converter = func.get_binding_registry().get(binding_type)
    if converter is None:
        return
    if anno in (str, bytes) and not converter.has_implicit_output():
        return
    try:
        accepted = bool(converter.check_input_type_annotation(anno))
    except TypeError:
        accepted = False
    if not accepted:
        anno_name = getattr(anno, "__name__", repr(anno))
        raise FunctionLoadError(
            name,
            f'type of {param} binding in function.json "{binding_type}" does not match its '
            f'Python annotation "{anno_name}"',
        )
