"""Fixtures of the evaluation tests: the offline MiniLM model, the seed datasets, the generator."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")

REPO = Path(__file__).resolve().parents[3]
DATASETS = REPO / "data" / "datasets"

Rows = list[dict[str, str]]


@pytest.fixture(scope="session")
def embeddings() -> Any:
    """MiniLM loaded once for the session (the evaluation code reuses the same cached instance)."""
    from mlops.evaluation.embeddings import load_embeddings

    return load_embeddings()


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    """data/generate_datasets.py imported as a module."""
    spec = importlib.util.spec_from_file_location("generate_datasets", REPO / "data" / "generate_datasets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def manifest() -> dict[str, Any]:
    """The committed data/datasets/manifest.json."""
    data: dict[str, Any] = json.loads((DATASETS / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def dataset_rows() -> Callable[[str], Rows]:
    """Reader of a seed JSONL file given by its path relative to data/datasets/."""

    def read(relative: str) -> Rows:
        lines = (DATASETS / relative).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    return read
