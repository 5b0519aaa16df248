"""ASP.NET-style route templates as the Functions host matches them: {x}, {x?}, {x=d}, {x:int}, {*rest}."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from devhost.http.route_constraints import build_constraint

T = TypeVar("T")
_PARAM = re.compile(r"\{(?P<body>[^{}]+)\}")


class RouteTemplateError(ValueError):
    """A route template that the host would refuse to register."""


@dataclass(frozen=True)
class _Param:
    name: str
    optional: bool
    catch_all: bool
    default: str | None
    checks: tuple[Callable[[str], bool], ...]
    constrained: bool


@dataclass(frozen=True)
class RouteTemplate:
    """A compiled template: `match(path)` returns the route values or None."""

    template: str
    pattern: re.Pattern[str]
    params: tuple[_Param, ...]
    precedence: tuple[int, ...]

    def match(self, path: str) -> dict[str, str] | None:
        """Route values for a path (no leading slash, prefix removed), or None when it does not match."""
        found = self.pattern.fullmatch(path.strip("/"))
        if found is None:
            return None
        values: dict[str, str] = {}
        for param in self.params:
            value = found.group(param.name)
            if value is None or value == "":
                if param.default is not None:
                    values[param.name] = param.default
                continue
            if not all(check(value) for check in param.checks):
                return None
            values[param.name] = value
        return values


def parse_template(template: str) -> RouteTemplate:
    """Compile a route template; unknown constraints and malformed segments raise RouteTemplateError."""
    segments = template.strip("/").split("/") if template.strip("/") else []
    parts: list[str] = []
    params: list[_Param] = []
    precedence: list[int] = []
    for index, segment in enumerate(segments):
        regex, seg_params, rank = _compile_segment(segment, is_last=index == len(segments) - 1)
        params.extend(seg_params)
        precedence.append(rank)
        piece = regex if index == 0 else "/" + regex
        parts.append(f"(?:{piece})?" if rank >= 4 else piece)
    names = [p.name.lower() for p in params]
    if len(set(names)) != len(names):
        raise RouteTemplateError(f"route {template!r} repeats a parameter name")
    pattern = re.compile("".join(parts), re.IGNORECASE)
    return RouteTemplate(template, pattern, tuple(params), tuple(precedence))


def _compile_segment(segment: str, *, is_last: bool) -> tuple[str, list[_Param], int]:
    """Regex, parameters and precedence rank (1 literal … 5 catch-all) of one path segment."""
    if not segment:
        raise RouteTemplateError("route templates cannot contain empty segments")
    regex, params, cursor = "", [], 0
    for found in _PARAM.finditer(segment):
        regex += re.escape(segment[cursor : found.start()])
        param = _parse_param(found.group("body"))
        if param.catch_all and not is_last:
            raise RouteTemplateError(f"catch-all parameter {param.name!r} must be the last segment")
        regex += f"(?P<{param.name}>.*)" if param.catch_all else f"(?P<{param.name}>[^/]+)"
        params.append(param)
        cursor = found.end()
    regex += re.escape(segment[cursor:])
    if "{" in segment[cursor:] or "}" in segment[cursor:]:
        raise RouteTemplateError(f"malformed route segment {segment!r}")
    whole = len(params) == 1 and segment.startswith("{") and segment.endswith("}")
    return regex, params, _rank(params, whole=whole)


def _rank(params: Sequence[_Param], *, whole: bool) -> int:
    """Lower ranks win: literal 1, constrained 2, plain 3, optional 4, catch-all 5."""
    if not params:
        return 1
    param = params[0]
    if whole and param.catch_all:
        return 5
    if whole and (param.optional or param.default is not None):
        return 4
    return 2 if any(p.constrained for p in params) else 3


def _parse_param(body: str) -> _Param:
    """Parse `name`, `*name`, `name?`, `name=default` and `name:c1:c2(arg)`."""
    catch_all = body.startswith("*")
    body = body.lstrip("*")
    default: str | None = None
    if "=" in body:
        body, default = body.split("=", 1)
    optional = body.endswith("?")
    body = body.rstrip("?")
    name, *constraints = _split_constraints(body)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise RouteTemplateError(f"invalid route parameter name {name!r}")
    try:
        checks = tuple(build_constraint(c) for c in constraints)
    except ValueError as exc:
        raise RouteTemplateError(str(exc)) from exc
    return _Param(name, optional or catch_all, catch_all, default, checks, bool(constraints))


def _split_constraints(body: str) -> list[str]:
    """Split on ':' outside parentheses (regex(...) may contain colons)."""
    parts, depth, current = [], 0, ""
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


class RouteTable(Generic[T]):
    """Routes in host precedence order; `resolve` returns the first target whose route and methods fit."""

    def __init__(self, entries: Sequence[tuple[str, Sequence[str], T]]) -> None:
        compiled = [(parse_template(r), tuple(v.upper() for v in verbs), to) for r, verbs, to in entries]
        self._entries = sorted(compiled, key=lambda entry: entry[0].precedence)

    def resolve(self, path: str, method: str) -> tuple[T, dict[str, str]] | None:
        """The target and route values for a request, or None (the host answers 404)."""
        for template, methods, target in self._entries:
            if methods and method.upper() not in methods:
                continue
            values = template.match(path)
            if values is not None:
                return target, values
        return None
