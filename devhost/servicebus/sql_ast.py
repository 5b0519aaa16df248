"""SQL filter expression nodes, evaluated with SQL three-valued logic (None = unknown)."""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devhost.servicebus.filters import MessageView, comparable

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Node:
    """An expression node."""

    def evaluate(self, view: MessageView) -> Any:
        """The node's value for the message: a value, True/False, or None when unknown."""
        raise NotImplementedError


@dataclass(frozen=True)
class Literal(Node):
    """A string, number, boolean or NULL literal."""

    value: Any

    def evaluate(self, view: MessageView) -> Any:
        """The literal itself."""
        return self.value


@dataclass(frozen=True)
class Property(Node):
    """A `sys.` system property or a bare / `user.` application property."""

    name: str
    system: bool

    def evaluate(self, view: MessageView) -> Any:
        """The property's value, None when absent."""
        return view.system_value(self.name) if self.system else view.application_value(self.name)

    def exists(self, view: MessageView) -> bool:
        """Whether the message carries the property."""
        return view.has_system(self.name) if self.system else view.has_application(self.name)


@dataclass(frozen=True)
class Compare(Node):
    """`left <op> right`; unknown when either side is NULL or the types cannot be compared."""

    op: str
    left: Node
    right: Node

    def evaluate(self, view: MessageView) -> bool | None:
        """The comparison's truth value."""
        left, right = self.left.evaluate(view), self.right.evaluate(view)
        if left is None or right is None or not comparable(left, right):
            return None
        if isinstance(left, bool) and self.op not in ("=", "<>", "!="):
            return None
        return _COMPARISONS[self.op](left, right)


@dataclass(frozen=True)
class Not(Node):
    """`NOT operand`: unknown stays unknown."""

    operand: Node

    def evaluate(self, view: MessageView) -> bool | None:
        """Negation in three-valued logic."""
        value = truth(self.operand.evaluate(view))
        return None if value is None else not value


@dataclass(frozen=True)
class Logical(Node):
    """`left AND right` / `left OR right` in three-valued logic."""

    conjunction: bool
    left: Node
    right: Node

    def evaluate(self, view: MessageView) -> bool | None:
        """AND: False wins, then unknown; OR: True wins, then unknown."""
        decisive = not self.conjunction
        left = truth(self.left.evaluate(view))
        if left is decisive:
            return decisive
        right = truth(self.right.evaluate(view))
        if right is decisive:
            return decisive
        return None if left is None or right is None else not decisive


def truth(value: Any) -> bool | None:
    """A value as a predicate: booleans are themselves, anything else is unknown."""
    return value if isinstance(value, bool) else None
