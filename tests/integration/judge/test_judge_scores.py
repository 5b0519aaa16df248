"""The judge path end to end: Mistral's chat API and the real MistralAIEmbeddings against the stub."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from mlops.evaluation import MetricWeights
from mlops.evaluation.evaluate import aevaluate_predictions
from mlops.evaluation.judge import Judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.judge_metrics import JUDGE_METRICS
from mlops.evaluation.report import build_report, report_markdown
from mlops.store import RunStore
from tests.tools.mistral_stub import MistralStub
from tests.tools.sample_rows import ROWS


async def test_judge_metrics_scored_and_weighted(stub: MistralStub, make_judge: Callable[..., Judge]) -> None:
    judge = make_judge()
    result = await aevaluate_predictions(ROWS, judge=judge)
    assert set(JUDGE_METRICS) <= set(result.metrics)
    assert result.per_sample[0]["faithfulness"] == 1.0 and result.per_sample[2]["faithfulness"] == 0.0
    assert result.per_sample[0]["answer_correctness"] == 1.0 and result.per_sample[2]["answer_correctness"] == 0.0
    assert result.weights == MetricWeights.judge_defaults().as_dict() and result.judge == "mistral-small-latest"
    assert result.decision["nan_policy"] == "passed"
    usage = result.judge_usage
    assert usage["chat_calls"] == stub.stats()["chat_requests"] and usage["input_tokens"] > 0 and usage["cost"] > 0
    # answer relevancy's 3 generated questions: one request with n=3, not 3 requests
    assert stub.stats()["chat_completions"] - stub.stats()["chat_requests"] == 2 * len(ROWS)


async def test_second_evaluation_makes_no_judge_call(
    stub: MistralStub, make_judge: Callable[..., Judge], run_store: RunStore
) -> None:
    first = await aevaluate_predictions(ROWS, judge=make_judge(cache=JudgeCache(run_store)))
    calls = stub.stats()["chat_requests"] + stub.stats()["embedding_requests"]
    assert calls > 0
    # another instance: nothing in its memory, everything in the shared PostgreSQL cache
    again = await aevaluate_predictions(ROWS, judge=make_judge(cache=JudgeCache(run_store)))
    assert stub.stats()["chat_requests"] + stub.stats()["embedding_requests"] == calls
    assert again.judge_usage["chat_calls"] == again.judge_usage["embedding_calls"] == 0
    assert again.judge_usage["cache_hits"] > 0
    assert again.per_sample == first.per_sample and again.ml_score == first.ml_score


async def test_changed_prompt_is_not_served_from_the_shared_cache(
    stub: MistralStub, make_judge: Callable[..., Judge], run_store: RunStore
) -> None:
    await aevaluate_predictions(ROWS[:1], judge=make_judge(cache=JudgeCache(run_store)))
    calls = stub.stats()["chat_requests"]
    changed = [replace(ROWS[0], response=ROWS[0].response + " Indeed.")]
    await aevaluate_predictions(changed, judge=make_judge(cache=JudgeCache(run_store)))
    assert stub.stats()["chat_requests"] > calls


async def test_without_judge_the_run_says_so() -> None:
    result = await aevaluate_predictions(ROWS)
    assert not set(JUDGE_METRICS) & set(result.metrics)
    assert any("no judge configured" in note for note in result.notes) and result.judge is None


async def test_report_shows_worst_samples_and_weights(make_judge: Callable[..., Judge]) -> None:
    result = await aevaluate_predictions(ROWS, judge=make_judge())
    report = build_report(result, ROWS, worst=2)
    assert report["worst_samples"][0]["response"] == "blue" and report["worst_samples"][0]["reference"] == "100 degrees"
    text = report_markdown(report)
    assert "| faithfulness |" in text and "**question**: What is the boiling point of water?" in text
