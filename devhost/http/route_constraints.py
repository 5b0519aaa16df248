"""Inline route constraints of ASP.NET routing (int, long, bool, alpha, guid, regex(...), range(...) …)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime

_CALL = re.compile(r"^(?P<name>[A-Za-z]+)(?:\((?P<args>.*)\))?$", re.DOTALL)


def _is_int(value: str, bits: int) -> bool:
    if not re.fullmatch(r"[+-]?\d+", value):
        return False
    return -(2 ** (bits - 1)) <= int(value) < 2 ** (bits - 1)


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_SIMPLE: dict[str, Callable[[str], bool]] = {
    "int": lambda v: _is_int(v, 32),
    "long": lambda v: _is_int(v, 64),
    "bool": lambda v: v.lower() in ("true", "false"),
    "alpha": lambda v: bool(re.fullmatch(r"[A-Za-z]+", v)),
    "guid": _is_guid,
    "float": _is_float,
    "double": _is_float,
    "decimal": _is_float,
    "datetime": _is_datetime,
}


def _numbers(args: str) -> list[int]:
    return [int(a.strip()) for a in args.split(",")]


def _with_args(name: str, args: str) -> Callable[[str], bool]:
    """Constraints that take arguments."""
    if name == "regex":
        pattern = re.compile(args, re.IGNORECASE)
        return lambda v: pattern.search(v) is not None
    bounds = _numbers(args)
    if name == "minlength":
        return lambda v: len(v) >= bounds[0]
    if name == "maxlength":
        return lambda v: len(v) <= bounds[0]
    if name == "length":
        low, high = (bounds[0], bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
        return lambda v: low <= len(v) <= high
    if name == "min":
        return lambda v: _is_int(v, 64) and int(v) >= bounds[0]
    if name == "max":
        return lambda v: _is_int(v, 64) and int(v) <= bounds[0]
    if name == "range":
        return lambda v: _is_int(v, 64) and bounds[0] <= int(v) <= bounds[1]
    raise ValueError(f"unknown route constraint {name!r}")


def build_constraint(text: str) -> Callable[[str], bool]:
    """A predicate for one inline constraint; an unknown constraint raises ValueError."""
    found = _CALL.match(text.strip())
    if found is None:
        raise ValueError(f"malformed route constraint {text!r}")
    name, args = found.group("name").lower(), found.group("args")
    if args is None:
        if name not in _SIMPLE:
            raise ValueError(f"unknown route constraint {name!r}")
        return _SIMPLE[name]
    try:
        return _with_args(name, args)
    except (IndexError, re.error) as exc:
        raise ValueError(f"bad arguments in route constraint {text!r}") from exc
