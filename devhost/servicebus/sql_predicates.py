"""SQL filter predicates: IN, LIKE, IS NULL, EXISTS."""

import re
from dataclasses import dataclass
from typing import Any

from devhost.servicebus.filters import MessageView, comparable
from devhost.servicebus.sql_ast import Node, Property


@dataclass(frozen=True)
class InList(Node):
    """`operand [NOT] IN (v1, v2, ...)`."""

    operand: Node
    values: tuple[Any, ...]
    negated: bool

    def evaluate(self, view: MessageView) -> bool | None:
        """Membership (unknown when the operand is NULL)."""
        value = self.operand.evaluate(view)
        if value is None:
            return None
        found = any(comparable(value, v) and value == v for v in self.values)
        return found != self.negated


@dataclass(frozen=True)
class Like(Node):
    """`operand [NOT] LIKE pattern [ESCAPE c]`, compiled to an anchored regular expression."""

    operand: Node
    pattern: re.Pattern[str]
    negated: bool

    def evaluate(self, view: MessageView) -> bool | None:
        """Pattern match (unknown when the operand is NULL or not a string)."""
        value = self.operand.evaluate(view)
        if not isinstance(value, str):
            return None
        return (self.pattern.fullmatch(value) is not None) != self.negated


@dataclass(frozen=True)
class IsNull(Node):
    """`operand IS [NOT] NULL`; an absent property is NULL. Never unknown."""

    operand: Node
    negated: bool

    def evaluate(self, view: MessageView) -> bool:
        """Nullness of the operand."""
        return (self.operand.evaluate(view) is None) != self.negated


@dataclass(frozen=True)
class Exists(Node):
    """`EXISTS(property)`."""

    prop: Property

    def evaluate(self, view: MessageView) -> bool:
        """Whether the property is present."""
        return self.prop.exists(view)


def like_pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    """Translate a LIKE pattern (`%` any run, `_` one character) into a regular expression."""
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)
