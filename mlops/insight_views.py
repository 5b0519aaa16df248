"""What the UI shows beyond the run row: per-sample scores (for the worst samples) and the dashboard view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from mlops.evaluation.rows import PredictionRow
from mlops.store import Dashboard, SampleScore


def sample_score(scores: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the sample's scored metrics (weights renormalised over them, as the MLScore
    does); None when no weighted metric has a value — never a silent 0."""
    present = {name: weight for name, weight in weights.items() if weight > 0 and scores.get(name) is not None}
    total = sum(present.values())
    if total == 0:
        return None
    return sum(float(scores[name] or 0.0) * weight for name, weight in present.items()) / total


def scored_samples(
    rows: Sequence[PredictionRow], per_sample: Sequence[Mapping[str, float | None]], weights: Mapping[str, float]
) -> list[SampleScore]:
    """Each eval row with its metric scores and weighted score, in eval-set order."""
    if len(rows) != len(per_sample):
        raise ValueError(f"{len(rows)} rows but {len(per_sample)} per-sample scores")
    return [
        SampleScore(
            idx=idx,
            question=row.question,
            reference=row.reference,
            response=row.response,
            scores=dict(scores),
            score=sample_score(scores, weights),
        )
        for idx, (row, scores) in enumerate(zip(rows, per_sample, strict=True))
    ]


def sample_view(sample: SampleScore) -> dict[str, Any]:
    """A sample as the API shows it."""
    return asdict(sample)


def dashboard_view(dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard as the API shows it (durations in seconds)."""
    return asdict(dashboard)
