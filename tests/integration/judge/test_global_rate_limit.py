"""The judge's global rate limit: scorers on separate pools (as separate instances are) share one token
bucket in PostgreSQL, so together they never exceed it; waits and the limit are in the judge's usage."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from mlops.evaluation.judge import Judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.judge_metrics import build_judge_scorers, score_judge
from mlops.evaluation.rate_limit import RateLimit, SharedRateLimit
from tests.fixtures.services import migrated_store
from tests.tools.mistral_stub import MistralStub
from tests.tools.sample_rows import ROWS

LIMIT = RateLimit(requests_per_minute=600, tokens_per_minute=10_000_000, burst_s=1.0)  # 10/s, 10 at once
SCORERS = 4
DELIVERY_SLACK_S = 0.2  # admitted at t, a request reaches the stub a little later, more so on a loaded machine


def _most_in_any_window(arrivals: list[float], window_s: float) -> int:
    ordered = sorted(arrivals)
    return max(sum(1 for t in ordered[i:] if t - start <= window_s) for i, start in enumerate(ordered))


async def test_concurrent_scorers_never_exceed_the_shared_limit(
    stub: MistralStub, make_judge: Callable[..., Judge], fresh_database: str
) -> None:
    async def scorer() -> Judge:
        async with migrated_store(fresh_database) as store:  # its own pool: another instance
            judge = make_judge(cache=JudgeCache(), limiter=SharedRateLimit(store, LIMIT))
            await score_judge(ROWS, build_judge_scorers(judge, ["llm_context_recall", "faithfulness"]), {})
            return judge

    judges = await asyncio.gather(*(scorer() for _ in range(SCORERS)))
    calls = len(stub.arrivals)
    assert calls > 2 * LIMIT.request_burst  # enough calls that the limit had to hold some back
    for window_s in (0.5, 1.0, 2.0):
        # the bucket admits at most burst + rate x window in any window; arrivals lag admissions by up to the slack
        allowed = LIMIT.request_burst + LIMIT.requests_per_s * (window_s + DELIVERY_SLACK_S) + 1  # +1: clock edges
        assert _most_in_any_window(stub.arrivals, window_s) <= allowed
    assert sum(judge.usage.rate_limit_wait_s for judge in judges) > 0
    assert all(judge.usage.limit_requests_per_minute == 600 for judge in judges)


async def test_a_429_behind_the_limit_still_waits_its_retry_after(
    stub: MistralStub, make_judge: Callable[..., Judge], fresh_database: str
) -> None:
    stub.config.retry_after_s = 0.4
    stub.script.append("429")
    async with migrated_store(fresh_database) as store:
        judge = make_judge(cache=JudgeCache(), limiter=SharedRateLimit(store, LIMIT))
        started = time.monotonic()
        scores = await score_judge(ROWS[:1], build_judge_scorers(judge, ["llm_context_recall"]), {})
    assert time.monotonic() - started >= 0.4
    assert scores == [{"llm_context_recall": 1.0}] and judge.usage.retries == 1
