"""One release run's evaluation from settings: the judge on when AZURE_AI_ENDPOINT is set (its cache and
its rate limit shared through the run store's PostgreSQL), the NaN threshold from EVAL_MAX_NAN_FRACTION, and the
decision numbers as rows for run_results."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager

from mlops.evaluation.evaluate import EvaluationResult, summarise
from mlops.evaluation.judge import build_judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.rate_limit import RateLimit, SharedRateLimit
from mlops.evaluation.rows import PredictionRow
from mlops.evaluation.scoring import ScoredRows, ascore_rows
from mlops.settings import Settings


def judge_model(settings: Settings) -> str | None:
    """The configured judge's model name, None without AZURE_AI_ENDPOINT."""
    return settings.judge.model if settings.judge else None


Scorer = Callable[[Sequence[PredictionRow], Sequence[str]], Awaitable[ScoredRows]]


@asynccontextmanager
async def run_scorer(settings: Settings) -> AsyncIterator[Scorer]:
    """A scorer of row batches for one job: every batch's judge shares the process's one pool (the judge
    cache and the shared rate limit), so a job holds at most DATABASE_POOL_SIZE connections however many
    batches it scores."""
    config = settings.judge
    if config is None:

        async def llm_free(rows: Sequence[PredictionRow], _: Sequence[str]) -> ScoredRows:
            return await ascore_rows(rows)

        yield llm_free
        return
    from mlops.bootstrap import connect_store  # this event loop's pool

    store = await connect_store(settings)
    limiter = SharedRateLimit(store, RateLimit(config.requests_per_minute, config.tokens_per_minute))

    async def judged(rows: Sequence[PredictionRow], judge_metrics: Sequence[str]) -> ScoredRows:
        judge = build_judge(config, JudgeCache(store), limiter)
        try:
            return await ascore_rows(rows, judge=judge, judge_metrics=judge_metrics)
        finally:
            await judge.aclose()

    try:
        yield judged
    finally:
        await store.close()


def score_for_run(rows: Sequence[PredictionRow], judge_metrics: Sequence[str], settings: Settings) -> ScoredRows:
    """Scores of rows (judge_metrics: those of the whole set, see judge_metric_names), in its own event
    loop, so a Functions worker can run it in a thread."""

    async def score() -> ScoredRows:
        async with run_scorer(settings) as scorer:
            return await scorer(rows, judge_metrics)

    return asyncio.run(score())


def summarise_for_run(
    rows: Sequence[PredictionRow], scored: ScoredRows, weights: Mapping[str, float] | None, settings: Settings
) -> EvaluationResult:
    """The evaluation of the scored rows (never raising on the NaN policy: result.failure says)."""
    return summarise(rows, scored, weights or None, max_nan_fraction=settings.eval_max_nan_fraction)


def decision_rows(result: EvaluationResult) -> dict[str, float | None]:
    """The NaN-policy decision and the judge's usage as extra run_results rows (weight 0): what the
    API's `results` shows beside the metrics."""
    rows: dict[str, float | None] = {
        "decision.nan_policy_failed": 1.0 if result.failure else 0.0,
        "decision.max_nan_fraction": float(result.decision.get("max_nan_fraction", 0.0)),
        "decision.ml_score": None if result.failure else result.ml_score,
    }
    for name, share in dict(result.decision.get("nan_fractions") or {}).items():
        rows[f"decision.nan_fraction.{name}"] = float(share)
    rows.update({f"judge.{name}": value for name, value in result.judge_usage.items()})
    return rows
