"""devhost runs any Functions app, so it knows nothing of this one; the app runs on Azure, so it knows no devhost."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("mlops", "triggers", "activities", "orchestrations", "function_app")


def imported_roots(directory_or_file: Path) -> dict[str, set[str]]:
    """Top-level package of every import (absolute ones only: relative ones stay inside), per file."""
    files = [directory_or_file] if directory_or_file.is_file() else sorted(directory_or_file.rglob("*.py"))
    found: dict[str, set[str]] = {}
    for path in files:
        roots: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
        found[str(path)] = roots
    return found


def test_devhost_imports_nothing_from_the_app() -> None:
    offending = {path: sorted(roots & set(APP_PACKAGES)) for path, roots in imported_roots(ROOT / "devhost").items()}
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_app_imports_nothing_from_devhost() -> None:
    sources = [ROOT / "function_app.py", *(ROOT / p for p in APP_PACKAGES[:-1])]
    offending = [path for source in sources for path, roots in imported_roots(source).items() if "devhost" in roots]
    assert offending == []


def test_the_scan_sees_imports_in_every_form(tmp_path: Path) -> None:
    """The check itself can fail: `import x.y`, `from x.y import z` and imports inside functions all count."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import mlops.store\nfrom triggers.api import x\ndef f():\n    import orchestrations\nfrom . import y\n"
    )
    assert imported_roots(sample) == {str(sample): {"mlops", "triggers", "orchestrations"}}
