"""Typed readers for Config.json fields; every failure names the JSON path of the field."""

import re
from datetime import timedelta
from typing import Any

from devhost.servicebus.errors import TopologyConfigError

# The emulator schema's pattern `^[A-Za-z0-9][\w-\.\/]*[A-Za-z0-9]$` is not valid in Python's `re`
# (a range `\w-\.`); this is its intended meaning.
ENTITY_NAME = re.compile(r"^[A-Za-z0-9]$|^[A-Za-z0-9][\w\-./]*[A-Za-z0-9]$")
_DURATION = re.compile(
    r"^P(?!$)(?:(?P<d>\d+)D)?(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def require_object(value: Any, path: str) -> dict[str, Any]:
    """`value` as a JSON object, or a TopologyConfigError naming `path`."""
    if not isinstance(value, dict):
        raise TopologyConfigError(f"{path} must be an object, got {type(value).__name__}")
    return value


def require_list(value: Any, path: str) -> list[Any]:
    """`value` as a JSON array (absent = empty), or a TopologyConfigError naming `path`."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TopologyConfigError(f"{path} must be an array, got {type(value).__name__}")
    return value


def entity_name(obj: dict[str, Any], path: str) -> str:
    """The `Name` of an entity, checked against the emulator's name pattern."""
    name = obj.get("Name")
    if not isinstance(name, str) or not ENTITY_NAME.match(name):
        raise TopologyConfigError(f"{path}.Name must match {ENTITY_NAME.pattern}, got {name!r}")
    return name


def optional_str(obj: dict[str, Any], key: str, path: str) -> str | None:
    """A string field that may be absent."""
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise TopologyConfigError(f"{path}.{key} must be a string, got {value!r}")
    return value


def boolean(obj: dict[str, Any], key: str, path: str, default: bool) -> bool:
    """A boolean field with a default."""
    value = obj.get(key, default)
    if not isinstance(value, bool):
        raise TopologyConfigError(f"{path}.{key} must be true or false, got {value!r}")
    return value


def bounded_int(obj: dict[str, Any], key: str, path: str, default: int, bounds: tuple[int, int]) -> int:
    """An integer field with a default, within the inclusive `bounds`."""
    value = obj.get(key, default)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TopologyConfigError(f"{path}.{key} must be an integer from {low} to {high}, got {value!r}")
    return value


def duration(obj: dict[str, Any], key: str, path: str, default: timedelta) -> timedelta:
    """An ISO 8601 duration field (days, hours, minutes, seconds) such as `PT1M`."""
    value = obj.get(key)
    if value is None:
        return default
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise TopologyConfigError(f"{path}.{key} must be an ISO 8601 duration like PT1M, got {value!r}")
    parts = {k: float(v) for k, v in match.groupdict(default="0").items()}
    result = timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    if result <= timedelta(0):
        raise TopologyConfigError(f"{path}.{key} must be a positive duration, got {value!r}")
    return result
