"""Parser of the Service Bus SQL filter subset into an evaluable SqlFilter."""

from dataclasses import dataclass
from typing import Any

from devhost.servicebus import sql_ast as ast
from devhost.servicebus import sql_predicates as pred
from devhost.servicebus.errors import SqlFilterError
from devhost.servicebus.filters import MessageView
from devhost.servicebus.sql_lexer import Kind, Token, tokenize


@dataclass(frozen=True)
class SqlFilter:
    """A parsed SQL filter; a message matches only when the expression is TRUE (not unknown)."""

    expression: str
    root: ast.Node

    def matches(self, view: MessageView) -> bool:
        """True when the expression evaluates to TRUE for the message."""
        return ast.truth(self.root.evaluate(view)) is True


def parse_sql_filter(expression: str) -> SqlFilter:
    """Parse `expression`; raise SqlFilterError (with the position) when it is not valid."""
    parser = _Parser(expression, tokenize(expression))
    root = parser.disjunction()
    parser.expect(Kind.END)
    return SqlFilter(expression, root)


class _Parser:
    """Recursive descent: OR < AND < NOT < predicate < operand."""

    def __init__(self, expression: str, tokens: list[Token]) -> None:
        self.expression = expression
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def fail(self, message: str) -> SqlFilterError:
        token = self.current
        found = token.kind.value if token.kind is Kind.END else repr(token.value)
        return SqlFilterError(f"{message}, found {found}", self.expression, token.position)

    def accept(self, kind: Kind, value: str | None = None) -> Token | None:
        token = self.current
        if token.kind is kind and (value is None or token.value == value):
            self.index += 1
            return token
        return None

    def expect(self, kind: Kind, value: str | None = None) -> Token:
        token = self.accept(kind, value)
        if token is None:
            raise self.fail(f"expected {value or kind.value}")
        return token

    def disjunction(self) -> ast.Node:
        node = self.conjunction()
        while self.accept(Kind.KEYWORD, "OR"):
            node = ast.Logical(False, node, self.conjunction())
        return node

    def conjunction(self) -> ast.Node:
        node = self.negation()
        while self.accept(Kind.KEYWORD, "AND"):
            node = ast.Logical(True, node, self.negation())
        return node

    def negation(self) -> ast.Node:
        if self.accept(Kind.KEYWORD, "NOT"):
            return ast.Not(self.negation())
        return self.predicate()

    def predicate(self) -> ast.Node:
        if self.accept(Kind.KEYWORD, "EXISTS"):
            self.expect(Kind.PUNCT, "(")
            prop = self.property(self.expect(Kind.IDENT))
            self.expect(Kind.PUNCT, ")")
            return pred.Exists(prop)
        operand = self.operand()
        if op := self.accept(Kind.OP):
            return ast.Compare(op.value, operand, self.operand())
        if self.accept(Kind.KEYWORD, "IS"):
            negated = self.accept(Kind.KEYWORD, "NOT") is not None
            self.expect(Kind.KEYWORD, "NULL")
            return pred.IsNull(operand, negated)
        negated = self.accept(Kind.KEYWORD, "NOT") is not None
        if self.accept(Kind.KEYWORD, "IN"):
            return pred.InList(operand, self.value_list(), negated)
        if self.accept(Kind.KEYWORD, "LIKE"):
            return self.like(operand, negated)
        if negated:
            raise self.fail("expected IN or LIKE after NOT")
        return operand

    def like(self, operand: ast.Node, negated: bool) -> ast.Node:
        pattern = self.expect(Kind.STRING).value
        escape = None
        if self.accept(Kind.KEYWORD, "ESCAPE"):
            escape_token = self.expect(Kind.STRING)
            if len(escape_token.value) != 1:
                raise SqlFilterError("ESCAPE takes one character", self.expression, escape_token.position)
            escape = escape_token.value
        return pred.Like(operand, pred.like_pattern(pattern, escape), negated)

    def value_list(self) -> tuple[Any, ...]:
        self.expect(Kind.PUNCT, "(")
        values = [self.literal_value()]
        while self.accept(Kind.PUNCT, ","):
            values.append(self.literal_value())
        self.expect(Kind.PUNCT, ")")
        return tuple(values)

    def operand(self) -> ast.Node:
        if self.accept(Kind.PUNCT, "("):
            node = self.disjunction()
            self.expect(Kind.PUNCT, ")")
            return node
        if ident := self.accept(Kind.IDENT):
            return self.property(ident)
        return ast.Literal(self.literal_value())

    def literal_value(self) -> Any:
        token = self.current
        keywords = {"TRUE": True, "FALSE": False, "NULL": None}
        if token.kind is Kind.KEYWORD and token.value in keywords:
            self.index += 1
            return keywords[token.value]
        if self.accept(Kind.STRING):
            return token.value
        sign = -1 if self.accept(Kind.PUNCT, "-") else 1
        number = self.accept(Kind.NUMBER)
        if number is None:
            raise self.fail("expected a value")
        is_float = any(c in number.value for c in ".eE")
        return sign * (float(number.value) if is_float else int(number.value))

    def property(self, ident: Token) -> ast.Property:
        scope = ident.value.lower()
        if scope in ("sys", "user") and self.accept(Kind.PUNCT, "."):
            return ast.Property(self.expect(Kind.IDENT).value, system=scope == "sys")
        return ast.Property(ident.value, system=False)
