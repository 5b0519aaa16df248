"""MLScore: the weighted mean of the evaluation metrics, with an explicit NaN policy.

Default weights (they sum to 1; every metric is still computed and reported):
  exact_match 0.40          the task is extractive QA: the right span, copied, is the goal.
  semantic_similarity 0.25  MiniLM cosine: credit for a paraphrase or a near-miss span.
  rouge_l 0.20              token overlap: partial credit for a span cut short or padded.
  string_similarity 0.15    normalised Levenshtein: partial credit at the character level.
  bleu 0.0                  4-gram BLEU is noise on 1-6 word answers (0 for any 1-3 word
                            answer without effective order): reported, not weighted.
  context_recall 0.0        scores the retriever, not the model (here the gold context is the
                            retrieved one, so it is always 1.0): any weight would put a floor
                            under every model, even one answering nothing.
A model that copies the right span scores ~1.0; an empty or babbling one ~0.0-0.1.

Metrics that do not read the model's answer (ANSWER_INDEPENDENT_METRICS: they score the retriever, so
they are the same for every model, e.g. context_recall 1.0 on every row) cannot tell models apart: a
weight on one does not count (a note says so, with the value it had), and the gate policy refuses it.

NaN policy: a metric's value is the mean of its non-NaN samples. A weighted metric with a NaN
share above max_nan_fraction raises EvaluationFailed. A metric without any value is reported
as None and left out, the other weights renormalised; the notes say so. NaN never counts as 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

from mlops.evaluation.errors import EvaluationFailed, InvalidWeights

# The RAGAS LLM metrics the judge scores (judge_metrics.py); named here so that light code needs no ragas.
JUDGE_METRICS = ("faithfulness", "answer_relevancy", "context_precision", "llm_context_recall", "answer_correctness")


@dataclass(frozen=True)
class MetricWeights:
    """Non-negative finite weight per metric, at least one positive."""

    exact_match: float = 0.40
    semantic_similarity: float = 0.25
    rouge_l: float = 0.20
    string_similarity: float = 0.15
    bleu: float = 0.0
    context_recall: float = 0.0
    # Judge (RAGAS LLM) metrics: weigh nothing by default, see judge_defaults().
    faithfulness: float = 0.0
    answer_relevancy: float = 0.0
    context_precision: float = 0.0
    llm_context_recall: float = 0.0
    answer_correctness: float = 0.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidWeights(name, f"must be a number, got {type(value).__name__}")
            if not math.isfinite(value) or value < 0:
                raise InvalidWeights(name, f"must be finite and >= 0, got {value!r}")
        if not any(value > 0 for value in asdict(self).values()):
            raise InvalidWeights("*", "at least one weight must be positive")

    @classmethod
    def from_mapping(cls, weights: Mapping[str, float] | None) -> MetricWeights:
        """Defaults for None; otherwise exactly the given weights, metrics left out weigh 0."""
        if weights is None:
            return cls()
        for name in weights:
            if name not in METRIC_NAMES:
                raise InvalidWeights(name, f"unknown metric; known: {', '.join(METRIC_NAMES)}")
        return cls(**{name: weights.get(name, 0.0) for name in METRIC_NAMES})

    @classmethod
    def judge_defaults(cls) -> MetricWeights:
        """Defaults when a judge is configured: half on the judge's faithfulness, correctness and
        relevancy, half on the LLM-free answer metrics; the context metrics (the retriever's) weigh 0."""
        return cls(0.20, 0.10, 0.10, 0.10, 0.0, 0.0, 0.20, 0.10, 0.0, 0.0, 0.20)

    def as_dict(self) -> dict[str, float]:
        """Weight per metric name."""
        return {name: float(value) for name, value in asdict(self).items()}


METRIC_NAMES: tuple[str, ...] = tuple(f.name for f in fields(MetricWeights))
# They compare the retrieved contexts with the reference, never the response.
ANSWER_INDEPENDENT_METRICS: tuple[str, ...] = ("context_recall", "context_precision", "llm_context_recall")


@dataclass(frozen=True)
class MLScore:
    """The score, each metric's value (None = no value), the weights used and what was excluded."""

    value: float
    metrics: dict[str, float | None]
    effective_weights: dict[str, float]
    nan_fractions: dict[str, float]
    notes: list[str] = field(default_factory=list)


def compute_ml_score(
    samples: Sequence[Mapping[str, float | None]], weights: MetricWeights, *, max_nan_fraction: float = 0.2
) -> MLScore:
    """Aggregate per-sample scores (NaN or None = no score) into an MLScore under the NaN policy."""
    if not 0.0 <= max_nan_fraction <= 1.0:
        raise ValueError(f"max_nan_fraction must lie in [0, 1], got {max_nan_fraction!r}")
    if not samples:
        raise EvaluationFailed("no samples to score")
    weighted = {name: w for name, w in weights.as_dict().items() if w > 0}
    metrics, fractions, notes = _aggregate(samples, weighted)
    wanted = {name: w for name, w in weighted.items() if name not in ANSWER_INDEPENDENT_METRICS}
    notes.extend(_blind_note(name, samples, metrics[name]) for name in weighted if name not in wanted)
    if not wanted:
        raise EvaluationFailed(
            "every weighted metric ignores the model's answers: the score could not tell models apart"
        )
    too_sparse = [f"{n} ({fractions[n]:.0%} NaN)" for n in wanted if fractions[n] > max_nan_fraction]
    if too_sparse:
        raise EvaluationFailed(f"NaN share above {max_nan_fraction:.0%} for weighted metrics: " + ", ".join(too_sparse))
    active = {name: value for name in wanted if (value := metrics[name]) is not None}
    missing = [name for name in wanted if name not in active]
    if missing:
        notes.append(f"excluded (no value) and weights renormalised: {', '.join(missing)}")
    total = sum(wanted[name] for name in active)
    if total <= 0:
        raise EvaluationFailed("no weighted metric has a value")
    effective = {name: wanted[name] / total if name in active else 0.0 for name in METRIC_NAMES}
    value = sum(effective[name] * score for name, score in active.items())
    return MLScore(value, metrics, effective, fractions, notes)


def _blind_note(name: str, samples: Sequence[Mapping[str, float | None]], value: float | None) -> str:
    seen = {sample.get(name) for sample in samples}
    shape = f"constant {value:.3g} over all {len(samples)} rows" if len(seen) == 1 and value is not None else "varies"
    return f"{name}: weight not counted: it does not read the answers ({shape}), so it cannot tell models apart"


def _aggregate(
    samples: Sequence[Mapping[str, float | None]], wanted: Mapping[str, float]
) -> tuple[dict[str, float | None], dict[str, float], list[str]]:
    """Per metric scored or weighted: mean over non-NaN samples (None if none), NaN share, and a note
    per partial metric (a metric neither scored, e.g. a judge metric without a judge, nor weighted is left out)."""
    metrics: dict[str, float | None] = {}
    fractions: dict[str, float] = {}
    notes: list[str] = []
    for name in (n for n in METRIC_NAMES if n in wanted or any(n in sample for sample in samples)):
        values = [sample.get(name) for sample in samples]
        valid = [float(v) for v in values if v is not None and not math.isnan(v)]
        metrics[name] = sum(valid) / len(valid) if valid else None
        fractions[name] = 1 - len(valid) / len(values)
        if 0 < len(valid) < len(values):
            notes.append(f"{name}: averaged over {len(valid)} of {len(values)} samples (rest NaN)")
    return metrics, fractions, notes
