"""Orchestration versioning as the Durable extension does it (host.json durableTask settings).

An instance gets its version once, when it starts (the `version` given to start_new, else
`defaultVersion`); it travels in the ExecutionStarted event, where the SDK reads `context.version`.
Before each episode the worker's version (its `defaultVersion`) is matched against the instance's:
`None` runs everything, `Strict` only the same version, `CurrentOrOlder` (the default) the same or
older. A mismatch is `Reject`ed (left untouched for a newer worker; the default) or `Fail`s the instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

_SYSTEM_VERSION = re.compile(r"^\d+(\.\d+){1,3}$")
_E = TypeVar("_E", bound=StrEnum)


class VersioningError(ValueError):
    """A host.json versioning setting has a value the extension does not accept."""


class MatchStrategy(StrEnum):
    """versionMatchStrategy: which instances a worker runs, by their version against its own."""

    NONE = "None"
    STRICT = "Strict"
    CURRENT_OR_OLDER = "CurrentOrOlder"


class FailureStrategy(StrEnum):
    """versionFailureStrategy: what happens to an instance the worker may not run."""

    REJECT = "Reject"
    FAIL = "Fail"


def compare_versions(first: str | None, second: str | None) -> int:
    """-1, 0 or 1 as the extension compares: empty is oldest, System.Version numerically, else text."""
    if not first and not second:
        return 0
    if not first:
        return -1
    if not second:
        return 1
    if _SYSTEM_VERSION.match(first) and _SYSTEM_VERSION.match(second):
        left, right = _parts(first), _parts(second)
        return (left > right) - (left < right)
    upper, other = first.upper(), second.upper()  # OrdinalIgnoreCase
    return (upper > other) - (upper < other)


def _parts(version: str) -> tuple[int, ...]:
    """System.Version's components; an unspecified build or revision is -1 (so 1.0 < 1.0.0)."""
    numbers = [int(part) for part in version.split(".")]
    return tuple(numbers + [-1] * (4 - len(numbers)))


@dataclass(frozen=True)
class VersionPolicy:
    """The worker's versioning settings; the defaults are the extension's (no version, CurrentOrOlder, Reject)."""

    default_version: str = ""
    match: MatchStrategy = MatchStrategy.CURRENT_OR_OLDER
    failure: FailureStrategy = FailureStrategy.REJECT

    def version_for(self, requested: str | None) -> str:
        """The version a new instance is fixed to: the one asked for, else defaultVersion."""
        return self.default_version if requested is None else requested

    def mismatch(self, instance_version: str) -> str | None:
        """Why this worker may not run an instance of that version, or None when it may."""
        if self.match is MatchStrategy.NONE or not self.default_version:
            return None
        order = compare_versions(instance_version, self.default_version)
        if self.match is MatchStrategy.STRICT and order != 0:
            return (
                f"The orchestration version '{instance_version}' does not match "
                f"the worker version '{self.default_version}'."
            )
        if self.match is MatchStrategy.CURRENT_OR_OLDER and order > 0:
            return (
                f"The orchestration version '{instance_version}' is greater than "
                f"the worker version '{self.default_version}'."
            )
        return None


def policy_from_host_json(durable: dict[str, Any]) -> VersionPolicy:
    """The policy in host.json's extensions.durableTask section; a bad value names its setting."""
    default = durable.get("defaultVersion") or ""
    if not isinstance(default, str):
        raise VersioningError(f"durableTask.defaultVersion must be a string, not {default!r}")
    return VersionPolicy(
        default_version=default,
        match=_choice(MatchStrategy, durable, "versionMatchStrategy", MatchStrategy.CURRENT_OR_OLDER),
        failure=_choice(FailureStrategy, durable, "versionFailureStrategy", FailureStrategy.REJECT),
    )


def _choice(kind: type[_E], durable: dict[str, Any], key: str, default: _E) -> _E:
    value = durable.get(key)
    if value is None:
        return default
    for member in kind:
        if str(value).lower() == member.value.lower():
            return member
    allowed = ", ".join(m.value for m in kind)
    raise VersioningError(f"durableTask.{key} must be one of {allowed}, not {value!r}")
