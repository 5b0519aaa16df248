"""Judge scoring: bounded (row, metric) cells, two-call metrics first, and one call per distinct request."""

from __future__ import annotations

import asyncio

from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.judge_metrics import score_judge
from mlops.evaluation.metrics import Scorer
from mlops.evaluation.rows import PredictionRow

ROWS = [PredictionRow(f"q{i}", f"c{i}", f"r{i}", f"a{i}") for i in range(10)]


async def test_cells_in_flight_are_bounded_and_scores_land_on_their_row() -> None:
    running, peak, started = 0, 0, []

    def scorer(name: str, value: float) -> Scorer:
        async def score(row: PredictionRow) -> float:
            nonlocal running, peak
            started.append(name)
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1
            return value + int(row.question[1:]) / 100

        return score

    scorers = {"context_precision": scorer("context_precision", 0.1), "faithfulness": scorer("faithfulness", 0.5)}
    scores = await score_judge(ROWS, scorers, {}, in_flight=3)
    assert peak == 3
    assert started[:10] == ["faithfulness"] * 10  # the two-call metric first: no half-empty tail of second calls
    assert scores[7] == {"context_precision": 0.1 + 0.07, "faithfulness": 0.5 + 0.07}


async def test_identical_requests_in_flight_make_one_call() -> None:
    cache, calls = JudgeCache(), []

    async def compute() -> str:
        calls.append(1)
        await asyncio.sleep(0.01)
        return "verdict"

    results = await asyncio.gather(*(cache.get_or_compute("key", compute) for _ in range(5)))
    assert len(calls) == 1
    assert sorted(results) == [("verdict", False)] + [("verdict", True)] * 4
    assert await cache.get_or_compute("key", compute) == ("verdict", True) and len(calls) == 1


async def test_a_failed_call_fails_every_caller_waiting_on_it_and_is_not_cached() -> None:
    cache = JudgeCache()

    async def fail() -> str:
        await asyncio.sleep(0.01)
        raise TimeoutError("judge down")

    results = await asyncio.gather(*(cache.get_or_compute("key", fail) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(result, TimeoutError) for result in results)
    assert cache.peek("key") is None
