"""Tokens of the Service Bus SQL filter language."""

import re
from dataclasses import dataclass
from enum import Enum

from devhost.servicebus.errors import SqlFilterError

KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "LIKE", "ESCAPE", "IS", "NULL", "EXISTS", "TRUE", "FALSE"})


class Kind(Enum):
    """Token kinds."""

    NUMBER = "number"
    STRING = "string"
    IDENT = "identifier"
    KEYWORD = "keyword"
    OP = "operator"
    PUNCT = "punctuation"
    END = "end of expression"


@dataclass(frozen=True)
class Token:
    """One token; `value` is the keyword in upper case, the unquoted string, or the identifier."""

    kind: Kind
    value: str
    position: int


_PATTERNS = [
    (Kind.NUMBER, re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")),
    (Kind.OP, re.compile(r"<>|!=|<=|>=|=|<|>")),
    (Kind.PUNCT, re.compile(r"[(),.\-]")),
    (Kind.IDENT, re.compile(r"[A-Za-z_@$][A-Za-z0-9_]*")),
]
_SPACE = re.compile(r"\s+")


def tokenize(expression: str) -> list[Token]:
    """Split `expression` into tokens ending with an END token; raise SqlFilterError on bad input."""
    tokens: list[Token] = []
    pos = 0
    while True:
        space = _SPACE.match(expression, pos)
        if space:
            pos = space.end()
        if pos >= len(expression):
            tokens.append(Token(Kind.END, "", pos))
            return tokens
        token, pos = _next_token(expression, pos)
        tokens.append(token)


def _next_token(expression: str, pos: int) -> tuple[Token, int]:
    """The token starting at `pos` and the position after it."""
    char = expression[pos]
    if char == "'":
        return _quoted(expression, pos, "'", Kind.STRING)
    if char == "[":
        return _quoted(expression, pos, "]", Kind.IDENT)
    for kind, pattern in _PATTERNS:
        match = pattern.match(expression, pos)
        if match:
            text = match.group()
            if kind is Kind.IDENT and text.upper() in KEYWORDS:
                return Token(Kind.KEYWORD, text.upper(), pos), match.end()
            return Token(kind, text, pos), match.end()
    raise SqlFilterError(f"unexpected character {char!r}", expression, pos)


def _quoted(expression: str, start: int, close: str, kind: Kind) -> tuple[Token, int]:
    """A '…' string or […] delimited identifier; a doubled closing character escapes it."""
    chars: list[str] = []
    pos = start + 1
    while pos < len(expression):
        char = expression[pos]
        if char == close:
            if expression.startswith(close * 2, pos):
                chars.append(close)
                pos += 2
                continue
            return Token(kind, "".join(chars), start), pos + 1
        chars.append(char)
        pos += 1
    raise SqlFilterError(f"unterminated {kind.value}", expression, start)
