"""JSON with `//` and `/* */` comments, as the emulator's published Config.json samples use."""

import json
from pathlib import Path
from typing import Any

from devhost.servicebus.errors import TopologyConfigError


def strip_comments(text: str) -> str:
    """Return `text` without comments; string literals (e.g. URLs with `//`) are kept intact."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif text.startswith("//", i):
            i = _skip_to(text, i, "\n") - 1
        elif text.startswith("/*", i):
            i = _skip_to(text, i + 2, "*/") + 1
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _skip_to(text: str, start: int, terminator: str) -> int:
    """Index of `terminator` at or after `start`, or the end of `text`."""
    found = text.find(terminator, start)
    return len(text) if found < 0 else found


def load_jsonc(path: Path) -> Any:
    """Parse the commented JSON file at `path`; raise TopologyConfigError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TopologyConfigError(f"cannot read {path}: {exc}") from exc
    try:
        return json.loads(strip_comments(text))
    except json.JSONDecodeError as exc:
        raise TopologyConfigError(f"{path} is not valid JSON: {exc}") from exc
