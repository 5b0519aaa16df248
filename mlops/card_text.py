"""Free text on an Adaptive Card shows as typed: markdown (a CommonMark subset) cannot format, link or list.

A comment, a model id or a name comes from a user; unescaped, ``[Approve](https://evil)`` would be a
link on the approvers' card and a newline could forge a line of facts.
"""

from __future__ import annotations

import re

# CommonMark backslash-escapes any ASCII punctuation; these are the ones Adaptive Cards (and its {{DATE()}}
# templating) give a meaning to. Escaped brackets and braces already unmake a link or a DATE(), so the
# parentheses stay readable; an underscore inside a word (rag_qa) cannot open emphasis: left as is.
_INLINE = re.compile(r"([\\`*\[\]{}<>#|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_BULLET = re.compile(r"^(\s*)([-+])(?=\s|$)")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")


def escape_card_text(text: str) -> str:
    """``text`` on one line, every markdown meaning backslash-escaped (the rendered card shows it verbatim)."""
    flat = _LINE_BREAKS.sub(" ", text)
    escaped = _INLINE.sub(r"\\\1", flat)
    unlisted = _BULLET.sub(r"\1\\\2", escaped)
    return _NUMBERED.sub(r"\1\\\2", unlisted)
