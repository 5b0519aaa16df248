"""The Azure ML job's code directory stands alone: nothing in training_job/ imports the mlops package."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import training_job

JOB_DIR = Path(training_job.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_training_job_never_imports_mlops() -> None:
    offenders = [path.name for path in JOB_DIR.glob("*.py") if "mlops" in _imported_roots(path)]
    assert offenders == []


# job_spec.py builds the Azure ML job on the submitting side (azure-ai-ml); the job itself never imports it.
SUBMIT_SIDE = "job_spec.py"


def _job_modules() -> list[Path]:
    return [path for path in JOB_DIR.glob("*.py") if path.name != SUBMIT_SIDE]


def test_the_job_never_imports_its_submit_side_spec() -> None:
    sources = {path.name: path.read_text(encoding="utf-8") for path in _job_modules()}
    assert [name for name, text in sources.items() if "job_spec" in text] == []


def test_training_job_requirements_cover_its_third_party_imports() -> None:
    requirements = (JOB_DIR / "requirements.txt").read_text(encoding="utf-8").lower()
    imported = set().union(*(_imported_roots(path) for path in _job_modules()))
    third_party = imported - set(sys.stdlib_module_names) - {"__future__", "training_job"}
    assert third_party == {"huggingface_hub", "jinja2", "mlflow", "peft", "torch", "transformers"}
    assert all(f"\n{name}" in requirements for name in third_party)
