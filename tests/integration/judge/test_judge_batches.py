"""Judge scoring in batches (as the evaluation's fan-out runs it): the same scores as one evaluation of the
whole set, and no larger a judge bill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from mlops.evaluation.evaluate import aevaluate_predictions, summarise
from mlops.evaluation.judge import Judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.scoring import ascore_rows, judge_metric_names, merge_scored
from tests.tools.mistral_stub import MistralStub
from tests.tools.sample_rows import ROWS

# A batch of rows without a reference still gets answer_correctness: the metrics are the whole set's
# (NaN for that row: it has nothing to be judged against, and costs no call).
SET = [*ROWS, replace(ROWS[1], reference="")]


async def test_batches_with_a_judge_score_like_one_evaluation_and_bill_no_more(
    stub: MistralStub, make_judge: Callable[..., Judge]
) -> None:
    whole = await aevaluate_predictions(SET, judge=make_judge(), raise_on_failure=False)
    names = judge_metric_names(SET)
    cache = JudgeCache()  # one per run, as the scoring job's batches share the run store's
    parts = [
        await ascore_rows(SET[a:b], judge=make_judge(cache), judge_metrics=names) for a, b in ((0, 2), (2, 3), (3, 4))
    ]
    merged = summarise(SET, merge_scored(parts), None)

    assert "answer_correctness" in parts[2].samples[0] and merged.per_sample[3]["answer_correctness"] is None
    assert merged.per_sample[3]["faithfulness"] is not None and merged.judge == whole.judge == "mistral-small-latest"
    for batched, at_once in zip(merged.per_sample, whole.per_sample, strict=True):
        assert batched == pytest.approx(at_once, abs=1e-6)
    assert merged.ml_score == pytest.approx(whole.ml_score, abs=1e-6) and merged.decision == whole.decision
    # Batches sharing the run's cache never bill more than one evaluation (fewer when a later batch finds a
    # verdict an in-flight twin in the whole evaluation raced for), and every call is counted.
    for kind in ("chat_calls", "embedding_calls", "input_tokens", "output_tokens"):
        assert merged.judge_usage[kind] <= whole.judge_usage[kind]
    assert merged.judge_usage["chat_calls"] == stub.stats()["chat_requests"] - whole.judge_usage["chat_calls"]
