"""App settings and host.json, read as `func start` reads them."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devhost.durable.versioning import VersioningError, VersionPolicy, policy_from_host_json

LOCAL_SETTINGS = "local.settings.json"
HOST_JSON = "host.json"
DEFAULT_TASK_HUB = "TestHubName"  # the extension's name when neither host.json nor WEBSITE_SITE_NAME gives one
SITE_NAME_SETTING = "WEBSITE_SITE_NAME"
_HUB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,44}$")
_SETTING_REF = re.compile(r"%([^%]+)%")


class SettingsError(ValueError):
    """local.settings.json / host.json is malformed, or a %Setting% reference does not resolve."""


def read_local_settings(app_dir: Path) -> dict[str, str]:
    """The `Values` of local.settings.json as strings ({} when the file is absent)."""
    path = app_dir / LOCAL_SETTINGS
    if not path.is_file():
        return {}
    document = _read_json(path)
    if document.get("IsEncrypted"):
        raise SettingsError(f"{path}: encrypted settings are not supported by devhost")
    values = document.get("Values")
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise SettingsError(f"{path}: 'Values' must be an object")
    return {str(k): _as_setting(v) for k, v in values.items()}


def apply_settings(values: Mapping[str, str], environ: MutableMapping[str, str]) -> dict[str, str]:
    """Set each value not already in the environment (func start never overrides); return what was set."""
    applied = {k: v for k, v in values.items() if k not in environ}
    environ.update(applied)
    return applied


def resolve_setting_refs(value: str, environ: Mapping[str, str] | None = None) -> str:
    """Replace %Name% with the app setting, as the host does for binding properties."""
    env = os.environ if environ is None else environ

    def lookup(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in env:
            raise SettingsError(f"'%{name}%' does not resolve to a value")
        return env[name]

    return _SETTING_REF.sub(lookup, value)


@dataclass(frozen=True)
class HostOptions:
    """The parts of host.json devhost honours."""

    route_prefix: str = "api"
    task_hub: str = DEFAULT_TASK_HUB
    max_concurrent_calls: int = 16 * (os.cpu_count() or 1)
    auto_complete_messages: bool = True
    max_concurrent_activities: int = 4
    versioning: VersionPolicy = field(default_factory=VersionPolicy)


def read_host_options(app_dir: Path) -> HostOptions:
    """Route prefix, durable hub name and Service Bus options from host.json (defaults when absent)."""
    path = app_dir / HOST_JSON
    if not path.is_file():
        return HostOptions(task_hub=task_hub_name(path, None))
    extensions = _read_json(path).get("extensions") or {}
    if not isinstance(extensions, dict):
        raise SettingsError(f"{path}: 'extensions' must be an object")
    http = extensions.get("http") or {}
    durable = extensions.get("durableTask") or {}
    bus = extensions.get("serviceBus") or {}
    handler = bus.get("messageHandlerOptions") or {}
    defaults = HostOptions()
    return HostOptions(
        route_prefix=str(http.get("routePrefix", defaults.route_prefix)).strip("/"),
        task_hub=task_hub_name(path, durable.get("hubName")),
        max_concurrent_calls=int(
            bus.get("maxConcurrentCalls", handler.get("maxConcurrentCalls", defaults.max_concurrent_calls))
        ),
        auto_complete_messages=bool(
            bus.get("autoCompleteMessages", handler.get("autoComplete", defaults.auto_complete_messages))
        ),
        max_concurrent_activities=int(
            durable.get("maxConcurrentActivityFunctions", defaults.max_concurrent_activities)
        ),
        versioning=_versioning(path, durable),
    )


def task_hub_name(path: Path, configured: Any) -> str:
    """hubName from host.json, else the extension's default: the site name (letters and digits), else TestHubName."""
    if configured:
        name = resolve_setting_refs(str(configured))
    else:
        site = re.sub(r"[^A-Za-z0-9]", "", os.environ.get(SITE_NAME_SETTING, ""))
        name = site[:45] or DEFAULT_TASK_HUB
    if not _HUB_NAME.match(name):
        raise SettingsError(
            f"{path}: extensions.durableTask.hubName {name!r} is invalid: "
            "3-45 letters or digits, starting with a letter"
        )
    return name


def _versioning(path: Path, durable: dict[str, Any]) -> VersionPolicy:
    try:
        return policy_from_host_json(durable)
    except VersioningError as exc:
        raise SettingsError(f"{path}: {exc}") from exc


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file, or SettingsError naming the file, line and column of the fault."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path}, line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    if not isinstance(document, dict):
        raise SettingsError(f"{path}: expected a JSON object")
    return document


def _as_setting(value: Any) -> str:
    """Settings are strings; JSON booleans become 'true'/'false' as in the host's configuration."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
