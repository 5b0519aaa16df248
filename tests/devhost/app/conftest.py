"""Fixtures for devhost unit tests: throwaway app directories imported by the real loader."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

APP_HEADER = """
import azure.functions as func
import azure.durable_functions as df

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
"""


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Write function_app.py (header + body) into a fresh directory; undo sys.path/sys.modules changes."""
    saved_path = list(sys.path)
    written: list[str] = []

    def make(body: str, *, header: str = APP_HEADER, name: str = "function_app.py") -> Path:
        app_dir = tmp_path / f"app{len(written)}"
        app_dir.mkdir()
        (app_dir / name).write_text(textwrap.dedent(header) + textwrap.dedent(body))
        written.append(Path(name).stem)
        return app_dir

    yield make
    sys.path[:] = saved_path
    for module in written:
        sys.modules.pop(module, None)
