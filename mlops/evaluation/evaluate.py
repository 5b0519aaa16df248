"""evaluate_predictions: LLM-free RAGAS metrics, the judge's LLM metrics when one is given, MLScore.

The judge path is config-only: the same call scores the LLM metrics too when a Judge is passed.
An evaluation is scoring (scoring.py, batchable) then summarise (NaN policy, MLScore, notes).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlops.evaluation.errors import EvaluationFailed
from mlops.evaluation.judge import Judge
from mlops.evaluation.mlscore import JUDGE_METRICS, METRIC_NAMES, MetricWeights
from mlops.evaluation.policy import assess
from mlops.evaluation.rows import PredictionRow
from mlops.evaluation.scoring import ScoredRows, ascore_rows, judge_metric_names

WeightsInput = MetricWeights | Mapping[str, float] | None


@dataclass(frozen=True)
class EvaluationResult:
    """Aggregated metrics (None = no value), MLScore, weights, per-sample scores and notes; failure is
    the NaN-policy reason when the evaluation failed (ml_score is then 0.0 and must not be used)."""

    metrics: dict[str, float | None]
    ml_score: float
    weights: dict[str, float]
    per_sample: list[dict[str, float | None]]
    sample_count: int
    notes: list[str] = field(default_factory=list)
    effective_weights: dict[str, float] = field(default_factory=dict)
    nan_fractions: dict[str, float] = field(default_factory=dict)
    failure: str | None = None
    decision: dict[str, Any] = field(default_factory=dict)
    judge: str | None = None
    judge_usage: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        """Strict JSON (NaN written as null)."""
        return json.dumps(asdict(self), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> EvaluationResult:
        """Inverse of to_json."""
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


def choose_weights(weights: WeightsInput, judge: str | None) -> MetricWeights:
    """The weights given, else the defaults for with/without a judge (its model name); judge metrics
    need a judge."""
    if isinstance(weights, MetricWeights):
        chosen = weights
    elif weights is None:
        chosen = MetricWeights.judge_defaults() if judge else MetricWeights()
    else:
        chosen = MetricWeights.from_mapping(weights)
    needing = [name for name in JUDGE_METRICS if chosen.as_dict()[name] > 0]
    if needing and judge is None:
        raise EvaluationFailed(f"weights need a judge for {', '.join(needing)}: none configured (AZURE_AI_ENDPOINT)")
    return chosen


async def aevaluate_predictions(
    rows: Sequence[PredictionRow],
    weights: WeightsInput = None,
    *,
    max_nan_fraction: float = 0.2,
    embeddings_dir: Path | None = None,
    judge: Judge | None = None,
    raise_on_failure: bool = True,
) -> EvaluationResult:
    """Score every row, then apply the MLScore NaN policy (EvaluationFailed, or result.failure when
    raise_on_failure is False, when it cannot score)."""
    chosen = choose_weights(weights, judge.config.model if judge else None)  # before any judge call
    scored = await ascore_rows(rows, judge=judge, judge_metrics=judge_metric_names(rows), embeddings_dir=embeddings_dir)
    result = summarise(rows, scored, chosen, max_nan_fraction=max_nan_fraction)
    if result.failure and raise_on_failure:
        raise EvaluationFailed(result.failure)
    return result


def summarise(
    rows: Sequence[PredictionRow], scored: ScoredRows, weights: WeightsInput, *, max_nan_fraction: float = 0.2
) -> EvaluationResult:
    """The evaluation of rows from their scores (one batch or merged ones): NaN policy, MLScore, notes.
    A failed policy is result.failure, never raised here."""
    if len(scored.samples) != len(rows):
        raise ValueError(f"{len(rows)} rows but {len(scored.samples)} scored samples")
    chosen = choose_weights(weights, scored.judge)
    samples = scored.samples
    verdict = assess(samples, chosen, max_nan_fraction)
    score = verdict.score
    names = {name for sample in samples for name in sample}  # judge metrics exist only with a judge
    metrics = score.metrics if score else _means(samples)
    return EvaluationResult(
        metrics={name: value for name, value in metrics.items() if name in names},
        ml_score=score.value if score else 0.0,
        weights=chosen.as_dict(),
        per_sample=[dict(sample) for sample in samples],
        sample_count=len(rows),
        notes=_notes(rows, scored) + (score.notes if score else []),
        effective_weights=score.effective_weights if score else {},
        nan_fractions=verdict.nan_fractions,
        failure=verdict.failure,
        decision=verdict.decision(),
        judge=scored.judge,
        judge_usage=dict(scored.judge_usage),
    )


def _notes(rows: Sequence[PredictionRow], scored: ScoredRows) -> list[str]:
    """Empty answers, metrics that raised (in metric order: the same notes whichever batch met an error
    first), and the missing judge."""
    empty = sum(1 for row in rows if not row.response.strip())
    notes = [f"{empty} of {len(rows)} responses empty: scored 0 on answer metrics"] if empty else []
    unreferenced = sum(1 for row in rows if not row.reference.strip())
    if unreferenced:
        notes.append(f"{unreferenced} of {len(rows)} rows without a reference: answer metrics NaN for them")
    notes += [
        f"{name} raised on some samples (NaN), first error: {scored.errors[name]}"
        for name in METRIC_NAMES
        if name in scored.errors
    ]
    if scored.judge is None:
        notes.append("no judge configured (AZURE_AI_ENDPOINT unset): LLM-free metrics only")
    return notes


def _means(samples: Sequence[Mapping[str, float | None]]) -> dict[str, float | None]:
    names = dict.fromkeys(name for sample in samples for name in sample)
    valid = {name: [v for s in samples if (v := s.get(name)) is not None] for name in names}
    return {name: sum(values) / len(values) if values else None for name, values in valid.items()}


def evaluate_predictions(
    rows: Sequence[PredictionRow],
    weights: WeightsInput = None,
    *,
    max_nan_fraction: float = 0.2,
    embeddings_dir: Path | None = None,
) -> EvaluationResult:
    """Synchronous aevaluate_predictions without a judge (not for use inside a running event loop)."""
    return asyncio.run(
        aevaluate_predictions(rows, weights, max_nan_fraction=max_nan_fraction, embeddings_dir=embeddings_dir)
    )
