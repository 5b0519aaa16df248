"""Fixtures of the training area: a small synthetic QA set and a tiny model built once per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops.models import build_tiny_model

PRODUCTS = ["Brixion", "Velumo", "Kaloex", "Mernyx", "Sarvumo", "Wexex"]
PORTS = ["5601", "8125", "9090", "7443", "6379", "8080"]


def qa_rows(count: int) -> list[dict[str, str]]:
    """Deterministic extractive QA rows in the dataset contract's shape."""
    rows = []
    for index in range(count):
        product, port = PRODUCTS[index % len(PRODUCTS)], PORTS[(index * 5) % len(PORTS)]
        context = f"{product} is a load balancer. It listens on port {port}. Logs are kept for {index} days."
        rows.append({"question": f"Which port does {product} listen on?", "context": context, "answer": port})
    return rows


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = qa_rows(24)
    corpus = [text for row in rows for text in row.values()]
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", corpus, vocab_size=512, seed=0)


@pytest.fixture
def dataset(tmp_path: Path) -> tuple[Path, Path]:
    return write_jsonl(tmp_path / "train.jsonl", qa_rows(16)), write_jsonl(tmp_path / "eval.jsonl", qa_rows(6))
