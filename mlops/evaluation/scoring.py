"""Scoring prediction rows, the part of an evaluation that can run in batches: per-sample scores, the
first error per metric and the judge's usage; batches merged in row order score like the whole set.

One difference is float noise: MiniLM encodes a batch's texts padded together, so semantic_similarity
can differ from a whole-set scoring in the seventh decimal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlops.evaluation.judge import Judge
from mlops.evaluation.mlscore import JUDGE_METRICS
from mlops.evaluation.rows import PredictionRow


@dataclass(frozen=True)
class ScoredRows:
    """Scores per sample in row order (None: the metric raised), the first error per metric, and which
    judge scored them at what cost (None and {} without a judge)."""

    samples: list[dict[str, float | None]]
    errors: dict[str, str] = field(default_factory=dict)
    judge: str | None = None
    judge_usage: dict[str, float] = field(default_factory=dict)

    def nan_count(self) -> int:
        """How many (sample, metric) scores are missing."""
        return sum(value is None for sample in self.samples for value in sample.values())

    def to_json(self) -> str:
        """Strict JSON (missing scores are null)."""
        return json.dumps(asdict(self), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> ScoredRows:
        """Inverse of to_json."""
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


def judge_metric_names(rows: Sequence[PredictionRow]) -> list[str]:
    """The judge metrics an evaluation set gets: answer_correctness only when some row has a reference.
    Decided over the whole set, so that every batch scores the same metrics."""
    return [n for n in JUDGE_METRICS if n != "answer_correctness" or any(r.reference.strip() for r in rows)]


async def ascore_rows(
    rows: Sequence[PredictionRow],
    *,
    judge: Judge | None = None,
    judge_metrics: Sequence[str] = (),
    embeddings_dir: Path | None = None,
) -> ScoredRows:
    """LLM-free metrics of every row, plus judge_metrics (judge_metric_names of the whole set) when a
    judge is given; a metric that raises on a sample is a missing score and its first error is kept."""
    # Imported here: the scorers pull in ragas, sentence-transformers and torch, which only the scoring job
    # loads; the Function App's fan-in merges and summarises ScoredRows without them.
    from mlops.evaluation.embeddings import load_embeddings
    from mlops.evaluation.judge_metrics import CELLS_PER_SLOT, build_judge_scorers, score_judge
    from mlops.evaluation.metrics import build_scorers, score_row

    scorers = build_scorers(load_embeddings(embeddings_dir), rows)
    errors: dict[str, str] = {}
    samples = [await score_row(row, scorers, errors) for row in rows]
    if judge is not None:
        in_flight = CELLS_PER_SLOT * judge.config.max_concurrency
        judged = await score_judge(rows, build_judge_scorers(judge, judge_metrics), errors, in_flight=in_flight)
        for sample, extra in zip(samples, judged, strict=True):
            sample.update(extra)
    return ScoredRows(
        samples=[{k: None if math.isnan(v) else v for k, v in sample.items()} for sample in samples],
        errors=errors,
        judge=judge.config.model if judge else None,
        judge_usage=judge.usage.as_dict() if judge else {},
    )


def merge_scored(parts: Sequence[ScoredRows]) -> ScoredRows:
    """Batches in row order as one: samples concatenated, the earliest error per metric, usage summed (the limits kept);
    ValueError when the batches were scored by different judges (the settings changed mid-evaluation)."""
    judges = {part.judge for part in parts}
    if len(judges) > 1:
        raise ValueError(f"batches scored by different judges: {sorted(map(str, judges))}")
    errors: dict[str, str] = {}
    usage: dict[str, float] = {}
    for part in parts:
        for name, message in part.errors.items():
            errors.setdefault(name, message)
        for name, value in part.judge_usage.items():
            # a limit is a setting, the same for every batch; the rest are counts and sums
            usage[name] = (
                max(usage.get(name, 0.0), value) if name.startswith("limit_") else usage.get(name, 0.0) + value
            )
    return ScoredRows(
        samples=[sample for part in parts for sample in part.samples],
        errors=errors,
        judge=judges.pop() if judges else None,
        judge_usage=usage,
    )
