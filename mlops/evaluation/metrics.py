"""Per-sample LLM-free RAGAS metrics (ragas 0.4.3) over prediction rows.

Five metrics use the `ragas.metrics.collections` classes (their `ascore(reference, response)`
gives the same numbers as the older `ragas.metrics` classes); NonLLMContextRecall exists only in
the older API and is scored through a SingleTurnSample. context_recall gets retrieved_contexts =
reference_contexts = [context]: it measures the retriever (here an oracle: the gold context is
handed to the model), so it is 1.0 for every row whatever the model answers.
SemanticSimilarity reads vectors primed by one batched MiniLM encode of all rows (same numbers,
~5x faster than its per-text encode). An empty response scores 0 on every answer metric (RAGAS
would embed " " and give it ~0.06); a row without a reference has nothing to compare an answer
with: NaN on the answer metrics, which the NaN policy weighs; a metric that raises on a sample
yields NaN for that sample.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from mlops.evaluation.rows import PredictionRow

if TYPE_CHECKING:
    from ragas.embeddings.base import BaseRagasEmbedding

Scorer = Callable[[PredictionRow], Coroutine[Any, Any, float]]
ANSWER_METRICS = ("semantic_similarity", "string_similarity", "rouge_l", "bleu", "exact_match")


def normalise_answer(text: str) -> str:
    """Case-fold, drop punctuation, collapse whitespace (the exact-match normal form)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def build_scorers(embeddings: BaseRagasEmbedding, rows: Sequence[PredictionRow] = ()) -> dict[str, Scorer]:
    """One async scorer per metric name on the RAGAS metric classes; the rows' texts embedded in one batch."""
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")  # no usage telemetry from the scorer
    from ragas.metrics import collections as rc

    from mlops.evaluation.primed import PrimedEmbeddings

    primed = PrimedEmbeddings(embeddings)
    answered = [
        (row.reference.strip(), row.response.strip()) for row in rows if row.response.strip() and row.reference.strip()
    ]
    primed.prime(text for texts in answered for text in texts)
    return {
        "semantic_similarity": _answer_scorer(rc.SemanticSimilarity(embeddings=primed)),
        "string_similarity": _answer_scorer(rc.NonLLMStringSimilarity()),
        "rouge_l": _answer_scorer(rc.RougeScore(rouge_type="rougeL", mode="fmeasure")),
        # effective order: without it sacrebleu gives 0 to any answer shorter than 4 words
        "bleu": _answer_scorer(rc.BleuScore(kwargs={"use_effective_order": True})),
        "exact_match": _answer_scorer(rc.ExactMatch(), normalise=True),
        "context_recall": _context_recall_scorer(),
    }


def _answer_scorer(metric: Any, normalise: bool = False) -> Scorer:
    """Scorer of a collections metric on (reference, response), stripped or normalised."""

    async def score(row: PredictionRow) -> float:
        reference, response = row.reference.strip(), row.response.strip()
        if normalise:
            reference, response = normalise_answer(reference), normalise_answer(response)
        return float((await metric.ascore(reference=reference, response=response)).value)

    return score


def _context_recall_scorer() -> Scorer:
    """NonLLMContextRecall (older API only) with the row's context as retrieved and reference context."""
    from ragas.dataset_schema import SingleTurnSample

    with warnings.catch_warnings():  # it warns to import from collections, where it does not exist
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.metrics import NonLLMContextRecall
    recall = NonLLMContextRecall()

    async def score(row: PredictionRow) -> float:
        sample = SingleTurnSample(retrieved_contexts=[row.context], reference_contexts=[row.context])
        return float(await recall.single_turn_ascore(sample))

    return score


async def score_row(row: PredictionRow, scorers: dict[str, Scorer], errors: dict[str, str]) -> dict[str, float]:
    """Scores of one row in [0, 1] (NaN where the metric raised; the first error kept in errors)."""
    unanswerable = not row.reference.strip()
    empty = not row.response.strip()
    scores: dict[str, float] = {}
    for name, scorer in scorers.items():
        if name in ANSWER_METRICS and (unanswerable or empty):
            scores[name] = math.nan if unanswerable else 0.0
            continue
        try:
            value = await scorer(row)
        except Exception as error:  # a metric bug on one sample must not sink the run: NaN + note
            errors.setdefault(name, f"{type(error).__name__}: {error}")
            value = math.nan
        scores[name] = value if math.isnan(value) else min(1.0, max(0.0, value))
    return scores
