"""The Function App's import path stays thin: a cold instance must not load the ML stack to serve a trigger."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("torch", "transformers", "sentence_transformers", "ragas", "langchain", "langchain_core", "mlflow")


def _modules_after(statement: str) -> set[str]:
    """The top-level packages in sys.modules after ``statement`` runs in a fresh interpreter."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_function_app_loads_no_ml_library() -> None:
    loaded = _modules_after("import function_app")
    assert "function_app" in loaded
    assert not loaded & set(HEAVY), f"function_app imports {sorted(loaded & set(HEAVY))} at module level"
