"""Fault injection: 429 with Retry-After, 5xx, timeouts and malformed bodies are retried; unparseable
verdicts become NaN, and too many NaN fail the evaluation with the reason."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from mlops.evaluation.evaluate import aevaluate_predictions
from mlops.evaluation.judge import Judge
from mlops.evaluation.judge_metrics import build_judge_scorers, score_judge
from tests.tools.mistral_stub import MistralStub
from tests.tools.sample_rows import ROWS


@pytest.mark.parametrize("fault", ["429", "500", "503", "timeout", "malformed"])
async def test_transient_faults_are_retried(fault: str, stub: MistralStub, make_judge: Callable[..., Judge]) -> None:
    stub.script.extend([fault, fault])
    judge = make_judge(timeout_s=0.5)
    errors: dict[str, str] = {}
    scores = await score_judge(ROWS[:1], build_judge_scorers(judge, ["llm_context_recall"]), errors)
    assert errors == {} and scores == [{"llm_context_recall": 1.0}]
    assert judge.usage.retries == 2 and judge.usage.chat_calls == 3 and stub.stats()[f"fault_{fault}"] == 2


async def test_retry_after_is_honoured(stub: MistralStub, make_judge: Callable[..., Judge]) -> None:
    stub.config.retry_after_s = 0.4
    stub.script.append("429")
    started = time.monotonic()
    await score_judge(ROWS[:1], build_judge_scorers(make_judge(), ["llm_context_recall"]), {})
    assert time.monotonic() - started >= 0.4


async def test_retries_are_bounded(stub: MistralStub, make_judge: Callable[..., Judge]) -> None:
    stub.script.extend(["503"] * 10)
    judge = make_judge(max_retries=2)
    errors: dict[str, str] = {}
    scores = await score_judge(ROWS[:1], build_judge_scorers(judge, ["llm_context_recall"]), errors)
    assert scores[0]["llm_context_recall"] != scores[0]["llm_context_recall"]  # NaN
    assert "failed after 3 attempt(s): HTTP 503" in errors["llm_context_recall"]
    assert judge.usage.chat_calls == 3 and judge.usage.failures == 1


async def test_unparseable_verdicts_fail_the_evaluation_with_the_reason(
    stub: MistralStub, make_judge: Callable[..., Judge]
) -> None:
    stub.config.bad_content_for = ["NLIStatementOutput"]
    result = await aevaluate_predictions(ROWS, judge=make_judge(), raise_on_failure=False)
    assert result.failure is not None and "faithfulness" in result.failure and "NaN share above 20%" in result.failure
    assert result.decision["nan_policy"] == "failed" and result.decision["nan_fractions"]["faithfulness"] == 1.0
    assert result.per_sample[0]["faithfulness"] is None and result.per_sample[0]["answer_correctness"] == 1.0
