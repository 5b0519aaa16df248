"""evaluate_predictions: LLM-free RAGAS metrics + MLScore for a list of prediction rows."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlops.evaluation.embeddings import load_embeddings
from mlops.evaluation.metrics import build_scorers, score_row
from mlops.evaluation.mlscore import MetricWeights, compute_ml_score
from mlops.evaluation.rows import PredictionRow

WeightsInput = MetricWeights | Mapping[str, float] | None


@dataclass(frozen=True)
class EvaluationResult:
    """Aggregated metrics (None = no value), MLScore, weights, per-sample scores and notes."""

    metrics: dict[str, float | None]
    ml_score: float
    weights: dict[str, float]
    per_sample: list[dict[str, float | None]]
    sample_count: int
    notes: list[str] = field(default_factory=list)
    effective_weights: dict[str, float] = field(default_factory=dict)
    nan_fractions: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        """Strict JSON (NaN written as null)."""
        return json.dumps(asdict(self), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> EvaluationResult:
        """Inverse of to_json."""
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


async def aevaluate_predictions(
    rows: Sequence[PredictionRow],
    weights: WeightsInput = None,
    *,
    max_nan_fraction: float = 0.2,
    embeddings_dir: Path | None = None,
) -> EvaluationResult:
    """Score every row, then apply the MLScore NaN policy (EvaluationFailed when it cannot score)."""
    chosen = weights if isinstance(weights, MetricWeights) else MetricWeights.from_mapping(weights)
    scorers = build_scorers(load_embeddings(embeddings_dir), rows)
    errors: dict[str, str] = {}
    samples = [await score_row(row, scorers, errors) for row in rows]
    score = compute_ml_score(samples, chosen, max_nan_fraction=max_nan_fraction)
    empty = sum(1 for row in rows if not row.response.strip())
    notes = [f"{empty} of {len(rows)} responses empty: scored 0 on answer metrics"] if empty else []
    notes += [f"{name} raised on some samples (NaN), first error: {msg}" for name, msg in errors.items()]
    return EvaluationResult(
        metrics=score.metrics,
        ml_score=score.value,
        weights=chosen.as_dict(),
        per_sample=[{k: None if math.isnan(v) else v for k, v in s.items()} for s in samples],
        sample_count=len(rows),
        notes=notes + score.notes,
        effective_weights=score.effective_weights,
        nan_fractions=score.nan_fractions,
    )


def evaluate_predictions(
    rows: Sequence[PredictionRow],
    weights: WeightsInput = None,
    *,
    max_nan_fraction: float = 0.2,
    embeddings_dir: Path | None = None,
) -> EvaluationResult:
    """Synchronous aevaluate_predictions (not for use inside a running event loop)."""
    return asyncio.run(
        aevaluate_predictions(rows, weights, max_nan_fraction=max_nan_fraction, embeddings_dir=embeddings_dir)
    )
