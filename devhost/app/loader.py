"""Import the app's script module and index its functions, as the Python worker does."""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

import azure.functions as func

from devhost.app.bindings import build_user_function
from devhost.app.functions import (
    AppLoadError,
    DurableFunction,
    FunctionIndex,
    FunctionLoadError,
    HttpFunction,
    ServiceBusFunction,
    TimerFunction,
    UserFunction,
)

SCRIPT_SETTING = "PYTHON_SCRIPT_FILE_NAME"
DEFAULT_SCRIPT = "function_app.py"
_SCRIPT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*\.py$")


def script_file_name() -> str:
    """The entry file the worker imports: PYTHON_SCRIPT_FILE_NAME, validated like the worker."""
    name = os.environ.get(SCRIPT_SETTING, DEFAULT_SCRIPT)
    if not _SCRIPT_NAME.match(name):
        raise AppLoadError(f"Invalid {SCRIPT_SETTING} value {name!r}: it must match {_SCRIPT_NAME.pattern}")
    return name


def load_app(app_dir: Path, script_file: str | None = None) -> FunctionIndex:
    """Import the script module fresh, find its single FunctionRegister and index every function."""
    script = script_file or script_file_name()
    module = import_script(app_dir.resolve(), script)
    app = find_function_register(module, script)
    app.functions_bindings = None  # get_functions() records names; a fresh import must start clean
    try:
        functions = app.get_functions()
    except ValueError as exc:
        raise AppLoadError(str(exc)) from exc
    index = FunctionIndex(module=module, app=app)
    for function in functions:
        _add(index, build_user_function(function, app_dir.resolve()))
    return index


def import_script(app_dir: Path, script_file: str) -> ModuleType:
    """Import `script_file` from `app_dir` (put first on sys.path), replacing any cached copy."""
    script = app_dir / script_file
    if not script.is_file():
        raise AppLoadError(f"Script file {script} not found")
    module_name = script.stem
    if str(app_dir) in sys.path:
        sys.path.remove(str(app_dir))
    sys.path.insert(0, str(app_dir))
    sys.modules.pop(module_name, None)
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise AppLoadError(f"Cannot import {script_file}: {type(exc).__name__}: {exc}{_origin(exc, app_dir)}") from exc
    loaded_from = Path(getattr(module, "__file__", None) or "").resolve()
    if loaded_from != script.resolve():
        raise AppLoadError(f"Module {module_name!r} resolved to {loaded_from}, not {script} (shadowed)")
    return module


def _origin(exc: BaseException, app_dir: Path) -> str:
    """' (at file:line)' of the deepest frame in the app's own code, so a one-line error still points at it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).is_relative_to(app_dir)]
    return f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""


def find_function_register(module: ModuleType, script_file: str) -> Any:
    """Exactly one FunctionRegister (e.g. DFApp) may be visible at module level."""
    app: Any = None
    for attr in module.__dir__():
        candidate = getattr(module, attr, None)
        if isinstance(candidate, func.FunctionRegister):
            if app is not None:
                raise AppLoadError(
                    f"More than one {app.__class__.__name__} or other top level function app instances are defined."
                )
            app = candidate
    if app is None:
        raise AppLoadError(f"Could not find top level function app instances in {script_file}.")
    return app


def _add(index: FunctionIndex, function: UserFunction) -> None:
    """File a validated function under its trigger kind."""
    binding = next(b for b in function.bindings if b["name"] == function.trigger_param)
    kind = function.trigger_type
    if kind == "httpTrigger":
        methods = tuple(str(m).upper() for m in (binding.get("methods") or ()))
        auth_level = str(binding.get("authLevel", ""))
        index.http.append(HttpFunction(function, str(binding["route"]), methods, auth_level))
    elif kind == "serviceBusTrigger":
        if "topicName" not in binding or str(binding.get("cardinality", "ONE")).upper() != "ONE":
            raise FunctionLoadError(function.name, "devhost serves topic triggers with cardinality one only")
        index.service_bus.append(
            ServiceBusFunction(
                function=function,
                topic_name=str(binding["topicName"]),
                subscription_name=str(binding["subscriptionName"]),
                connection=str(binding.get("connection") or "AzureWebJobsServiceBus"),
            )
        )
    elif kind == "timerTrigger":
        index.timers.append(TimerFunction(function, str(binding["schedule"]), bool(binding.get("runOnStartup"))))
    elif kind == "orchestrationTrigger":
        _add_durable(index.orchestrators, str(binding.get("orchestration") or function.name), function)
    elif kind == "entityTrigger":  # entity names are case-insensitive (the scheduler id lowercases them)
        _add_durable(index.entities, str(binding.get("entityName") or function.name).lower(), function)
    else:
        _add_durable(index.activities, str(binding.get("activity") or function.name), function)


def _add_durable(table: dict[str, DurableFunction], durable_name: str, function: UserFunction) -> None:
    """Durable names are unique per kind."""
    if durable_name in table:
        raise FunctionLoadError(function.name, f"durable name {durable_name!r} is already taken")
    table[durable_name] = DurableFunction(durable_name, function)
