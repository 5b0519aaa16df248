"""Fixtures of the training integration tests: a tiny model and a small QA set, both built in tmp."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops.models import build_tiny_model


def qa_rows(count: int) -> list[dict[str, str]]:
    """Deterministic extractive QA rows in the dataset contract's shape."""
    rows = []
    for index in range(count):
        product, port = f"Product{index % 5}", str(5600 + index % 7)
        context = f"{product} is a load balancer. By default it listens on port {port}."
        rows.append({"question": f"Which port does {product} listen on?", "context": context, "answer": port})
    return rows


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("datasets")
    for name, count in (("train", 16), ("eval", 5)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in qa_rows(count)))
    return folder


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    corpus = [text for row in qa_rows(16) for text in row.values()]
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", corpus, vocab_size=512, seed=0)
