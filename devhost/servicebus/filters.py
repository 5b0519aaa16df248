"""Subscription filters: what a rule sees of a message, and the Correlation filter."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# Correlation filter keys (Config.json spelling) -> system property names (lower case).
CORRELATION_KEYS = {
    "ContentType": "contenttype",
    "CorrelationId": "correlationid",
    "Label": "label",
    "MessageId": "messageid",
    "ReplyTo": "replyto",
    "ReplyToSessionId": "replytosessionid",
    "SessionId": "sessionid",
    "To": "to",
}


def normalize_value(value: Any) -> Any:
    """A property value as filters compare it: UUIDs as text, AMQP wrappers as plain Python."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, uuid.UUID | str):
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, int):
        return int(value)
    return float(value) if isinstance(value, float) else value


def comparable(left: Any, right: Any) -> bool:
    """Whether two values can be compared: booleans only with booleans, numbers with numbers, same types."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool)
    if isinstance(left, int | float) and isinstance(right, int | float):
        return True
    return type(left) is type(right)


@dataclass(frozen=True)
class MessageView:
    """The properties of a message that filters can read: system (`sys.`) and application (`user.`)."""

    system: Mapping[str, Any] = field(default_factory=dict)
    application: Mapping[str, Any] = field(default_factory=dict)

    def has_system(self, name: str) -> bool:
        """Whether system property `name` (case-insensitive, e.g. `Label`) is set."""
        return self.system.get(name.lower()) is not None

    def system_value(self, name: str) -> Any:
        """System property `name` (case-insensitive), or None when absent."""
        return normalize_value(self.system.get(name.lower()))

    def has_application(self, name: str) -> bool:
        """Whether application property `name` is present (exact name, else case-insensitive)."""
        return self._application_key(name) is not None

    def application_value(self, name: str) -> Any:
        """Application property `name`, or None when absent."""
        key = self._application_key(name)
        return None if key is None else normalize_value(self.application[key])

    def _application_key(self, name: str) -> str | None:
        if name in self.application:
            return name
        folded = name.casefold()
        return next((k for k in self.application if k.casefold() == folded), None)


class MessageFilter(Protocol):
    """A rule's filter: does the message belong to the subscription."""

    def matches(self, view: MessageView) -> bool:
        """True when the message satisfies the filter."""
        ...


@dataclass(frozen=True)
class TrueFilter:
    """The `$Default` rule of a subscription created without rules: every message matches."""

    def matches(self, view: MessageView) -> bool:
        """Always True."""
        return True


@dataclass(frozen=True)
class CorrelationFilter:
    """Matches when every given system property and application property equals the message's."""

    system: Mapping[str, str] = field(default_factory=dict)
    properties: Mapping[str, Any] = field(default_factory=dict)

    def matches(self, view: MessageView) -> bool:
        """True when all configured values are equal to the message's (absent = no match)."""
        for name, expected in self.system.items():
            if view.system_value(name) != expected:
                return False
        for name, expected in self.properties.items():
            actual = view.application_value(name)
            if actual is None or not comparable(actual, expected) or actual != expected:
                return False
        return True
