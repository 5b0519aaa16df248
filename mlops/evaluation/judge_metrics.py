"""The RAGAS LLM metrics (ragas 0.4.3 `ragas.metrics` classes) scored through the judge.

faithfulness (the answer's statements inferable from the context), answer_relevancy (questions
generated back from the answer vs the question, by embedding cosine), context_precision (the
context is useful for the reference answer), llm_context_recall (the reference's statements are
attributable to the context) and answer_correctness (factual TP/FP/FN against the reference; its
semantic half is left out: semantic_similarity already measures it). Every (row, metric) cell runs
concurrently; the judge's semaphore is what limits the calls in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from mlops.evaluation.judge import Judge
from mlops.evaluation.judge_cache import cache_key
from mlops.evaluation.judge_llm import JudgeLLM, embed_texts
from mlops.evaluation.metrics import Scorer
from mlops.evaluation.mlscore import JUDGE_METRICS
from mlops.evaluation.rows import PredictionRow

RESPONSE_METRICS = frozenset({"faithfulness", "answer_relevancy", "answer_correctness"})
REFERENCE_METRICS = frozenset({"context_precision", "llm_context_recall", "answer_correctness"})


def build_judge_scorers(judge: Judge, names: Sequence[str] = JUDGE_METRICS) -> dict[str, Scorer]:
    """One async scorer per judge metric name."""
    from ragas.dataset_schema import SingleTurnSample

    with warnings.catch_warnings():  # the older classes warn to use collections (whose API differs)
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.metrics import AnswerCorrectness, Faithfulness, LLMContextPrecisionWithReference, LLMContextRecall

    llm = JudgeLLM(judge)
    builders: dict[str, Callable[[], Any]] = {
        "faithfulness": lambda: Faithfulness(llm=llm),
        "answer_relevancy": lambda: _relevancy(judge, llm),
        "context_precision": lambda: LLMContextPrecisionWithReference(llm=llm),
        "llm_context_recall": lambda: LLMContextRecall(llm=llm),
        "answer_correctness": lambda: AnswerCorrectness(llm=llm, weights=[1.0, 0.0]),
    }
    metrics = {name: _with_fixed_prompt_parts(builders[name]()) for name in names}

    def scorer(metric: Any) -> Scorer:
        async def score(row: PredictionRow) -> float:
            sample = SingleTurnSample(
                user_input=row.question,
                response=row.response.strip(),
                retrieved_contexts=[row.context],
                reference=row.reference,
            )
            return float(await metric.single_turn_ascore(sample))

        return score

    return {name: scorer(metrics[name]) for name in names}


def _with_fixed_prompt_parts(metric: Any) -> Any:
    """RAGAS rebuilds each prompt's output JSON schema and examples on every call: pydantic work on the one
    event loop (~1 ms a prompt) while the calls in flight wait for it to read their replies. Both depend
    only on the prompt, so each is built once per metric."""
    for prompt in metric.get_prompts().values():
        signature, examples = prompt._generate_output_signature(), prompt._generate_examples()
        prompt._generate_output_signature = lambda indent=4, text=signature: text
        prompt._generate_examples = lambda text=examples: text
    return metric


def _relevancy(judge: Judge, llm: JudgeLLM) -> Any:
    """ResponseRelevancy whose embeddings are fetched asynchronously (one request for the question and
    its generated questions) before RAGAS' own scoring reads them; its stock path blocks the loop."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.metrics import ResponseRelevancy
        from ragas.metrics._answer_relevance import ResponseRelevanceInput

    class AsyncEmbeddedRelevancy(ResponseRelevancy):
        async def _ascore(self, row: dict[str, Any], callbacks: Any) -> float:
            answers = await self.question_generation.generate_multiple(
                data=ResponseRelevanceInput(response=row["response"]),
                llm=self.llm,
                callbacks=callbacks,
                n=self.strictness,
            )
            await embed_texts(judge, [row["user_input"], *(a.question for a in answers)])
            return float(self._calculate_score(answers, row))

    return AsyncEmbeddedRelevancy(llm=llm, embeddings=_CachedVectors(judge))


class _CachedVectors:
    """The sync embeddings interface RAGAS' relevancy calls, served from vectors embed_texts cached."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] | None = self.judge.cache.peek(
            cache_key(self.judge.config.embedding_model, {"kind": "embedding", "text": text})
        )
        if vector is None:
            raise LookupError("vector not fetched before scoring")
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(text) for text in texts]


@contextlib.contextmanager
def _heap_frozen() -> Iterator[None]:
    """Objects already alive (models, RAGAS, pydantic) outlive the scoring: left to the collector, each full
    collection scans them all on the one event loop while replies wait (bench.eval_judge: 1.12x the ideal,
    1.08x frozen). Frozen for the scoring, unfrozen after, so any garbage among them is still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


SEQUENTIAL_CALLS = {"faithfulness": 2, "answer_relevancy": 2, "answer_correctness": 2}  # calls one after another
CELLS_PER_SLOT = 4  # cells started per judge call slot: enough ready requests to keep every slot busy


async def score_judge(
    rows: Sequence[PredictionRow], scorers: dict[str, Scorer], errors: dict[str, str], *, in_flight: int = 64
) -> list[dict[str, float]]:
    """Judge scores per row (NaN where a metric raised or needs a reference the row lacks; an empty answer
    scores 0 on answer metrics). At most ``in_flight`` (row, metric) cells run at once, longest call chains
    first: starting every cell at once would build every prompt and query the cache for all of them before
    the first call goes out, and the two-call metrics would finish in a half-empty tail."""

    async def cell(row: PredictionRow, name: str) -> float:
        if name in REFERENCE_METRICS and not row.reference.strip():  # nothing to judge against: no call
            return math.nan
        if name in RESPONSE_METRICS and not row.response.strip():
            return 0.0
        try:
            value = await scorers[name](row)
        except Exception as error:  # one sample's judge failure is a NaN the NaN policy weighs
            errors.setdefault(name, f"{type(error).__name__}: {error}")
            return math.nan
        return value if math.isnan(value) else min(1.0, max(0.0, value))

    names = list(scorers)
    cells = sorted(((i, n) for i in range(len(rows)) for n in names), key=lambda c: -SEQUENTIAL_CALLS.get(c[1], 1))
    pending, values = iter(cells), {}

    async def worker() -> None:
        for index, name in pending:  # one shared iterator: each cell is taken once
            values[index, name] = await cell(rows[index], name)

    with _heap_frozen():
        await asyncio.gather(*(worker() for _ in range(max(1, min(in_flight, len(cells))))))
    return [{name: values[i, name] for name in names} for i in range(len(rows))]
