"""Process environment changes made by a host, undone when it stops."""

from __future__ import annotations

import os
from collections.abc import Mapping


class EnvironmentOverlay:
    """Records every variable it sets so `restore()` puts the environment back as it was."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def set(self, values: Mapping[str, str], *, override: bool) -> dict[str, str]:
        """Set values (only absent ones unless override); return what was set."""
        applied = {k: v for k, v in values.items() if override or k not in os.environ}
        for key, value in applied.items():
            self._saved.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        return applied

    def restore(self) -> None:
        """Undo every change, newest state discarded."""
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved.clear()
