"""The NaN-policy decision as data: passed or failed, the reason, and the numbers that led to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mlops.evaluation.errors import EvaluationFailed
from mlops.evaluation.mlscore import MetricWeights, MLScore, compute_ml_score


@dataclass(frozen=True)
class Assessment:
    """The MLScore (None when the evaluation failed), the failure reason, and the per-metric NaN shares
    set against the threshold for the weighted metrics."""

    score: MLScore | None
    failure: str | None
    max_nan_fraction: float
    nan_fractions: dict[str, float] = field(default_factory=dict)
    weighted: list[str] = field(default_factory=list)

    def decision(self) -> dict[str, object]:
        """What run_results, MLflow and the API show: verdict, threshold, NaN share per weighted metric."""
        return {
            "nan_policy": "failed" if self.failure else "passed",
            "reason": self.failure,
            "max_nan_fraction": self.max_nan_fraction,
            "nan_fractions": {name: self.nan_fractions.get(name, 1.0) for name in self.weighted},
        }


def assess(
    samples: Sequence[Mapping[str, float | None]], weights: MetricWeights, max_nan_fraction: float
) -> Assessment:
    """compute_ml_score without the raise: a failure comes back as data, with the NaN shares."""
    weighted = [name for name, weight in weights.as_dict().items() if weight > 0]
    try:
        score = compute_ml_score(samples, weights, max_nan_fraction=max_nan_fraction)
    except EvaluationFailed as failed:
        return Assessment(None, failed.reason, max_nan_fraction, _nan_shares(samples, weighted), weighted)
    return Assessment(score, None, max_nan_fraction, score.nan_fractions, weighted)


def _nan_shares(samples: Sequence[Mapping[str, float | None]], names: Sequence[str]) -> dict[str, float]:
    if not samples:
        return {name: 1.0 for name in names}
    missing = {name: sum(1 for s in samples if s.get(name) is None or s.get(name) != s.get(name)) for name in names}
    return {name: count / len(samples) for name, count in missing.items()}
