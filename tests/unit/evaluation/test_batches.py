"""Scoring in batches then summarising the merged scores evaluates like scoring the whole set at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlops.evaluation import PredictionRow
from mlops.evaluation.batches import batch_ranges, batch_uri
from mlops.evaluation.evaluate import aevaluate_predictions, summarise
from mlops.evaluation.scoring import ScoredRows, ascore_rows, judge_metric_names, merge_scored
from mlops.settings import Settings, SettingsError

Rows = list[dict[str, str]]
ENV = {"DATABASE_URL": "postgresql://x", "BLOB_CONNECTION_STRING": "x", "MLFLOW_TRACKING_URI": "sqlite:///x"}
# MiniLM pads a batch's texts together: semantic_similarity moves in the seventh decimal, nothing else moves.
FLOAT_NOISE = 1e-6


@pytest.fixture(scope="module")
def rows(dataset_rows: Callable[[str], Rows]) -> list[PredictionRow]:
    """Right, wrong and empty answers, so every note and both halves of the MLScore show up."""
    answers = ["{answer}", "no idea", "", "the {answer} probably"]
    eval_rows = dataset_rows("eval/rag_qa_eval.jsonl")[:11]
    return [
        PredictionRow(r["question"], r["context"], r["answer"], answers[i % 4].format(answer=r["answer"]))
        for i, r in enumerate(eval_rows)
    ]


async def test_batches_merged_in_row_order_evaluate_like_the_whole_set(embeddings: Any, rows: list[PredictionRow]):
    whole = await aevaluate_predictions(rows)
    names = judge_metric_names(rows)
    parts = [await ascore_rows(rows[start:stop], judge_metrics=names) for start, stop in batch_ranges(len(rows), 4)]
    merged = summarise(rows, merge_scored(parts), None)

    assert [len(part.samples) for part in parts] == [4, 4, 3]
    for batched, at_once in zip(merged.per_sample, whole.per_sample, strict=True):
        assert batched == pytest.approx(at_once, abs=FLOAT_NOISE)
    assert merged.metrics == pytest.approx(whole.metrics, abs=FLOAT_NOISE)
    assert merged.ml_score == pytest.approx(whole.ml_score, abs=FLOAT_NOISE)
    exact = ("weights", "sample_count", "notes", "effective_weights", "nan_fractions", "failure", "judge_usage")
    assert {name: getattr(merged, name) for name in exact} == {name: getattr(whole, name) for name in exact}
    assert merged.decision == whole.decision and "3 of 11 responses empty" in merged.notes[0]


def test_merge_keeps_row_order_the_earliest_error_and_sums_the_judge_usage():
    first = ScoredRows([{"faithfulness": 1.0}], {"faithfulness": "TimeoutError: a"}, "judge", {"chat_calls": 3.0})
    second = ScoredRows(
        [{"faithfulness": None}, {"faithfulness": 0.5}],
        {"faithfulness": "TimeoutError: b", "answer_relevancy": "ValueError: c"},
        "judge",
        {"chat_calls": 4.0, "cost": 0.25},
    )
    merged = merge_scored([first, second])
    assert merged.samples == [{"faithfulness": 1.0}, {"faithfulness": None}, {"faithfulness": 0.5}]
    assert merged.errors == {"faithfulness": "TimeoutError: a", "answer_relevancy": "ValueError: c"}
    assert (merged.judge, merged.judge_usage) == ("judge", {"chat_calls": 7.0, "cost": 0.25})
    assert merged.nan_count() == 1 and ScoredRows.from_json(merged.to_json()) == merged


def test_batches_of_different_judges_do_not_merge():
    with pytest.raises(ValueError, match="different judges"):
        merge_scored([ScoredRows([], judge="mistral-small"), ScoredRows([], judge=None)])


def test_an_empty_set_is_one_empty_batch_whose_summary_fails_the_policy():
    assert batch_ranges(0, 50) == [(0, 0)]  # task_all of nothing would never complete
    result = summarise([], merge_scored([ScoredRows([])]), None)
    assert result.failure == "no samples to score" and result.sample_count == 0


def test_ranges_cover_the_rows_once_in_order_and_name_their_blob():
    assert batch_ranges(5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert batch_ranges(4, 50) == [(0, 4)]
    with pytest.raises(ValueError, match="positive"):
        batch_ranges(4, 0)
    uri = batch_uri("blob://model-outputs/runs/r1/predictions.jsonl", 50, 100)
    assert uri == "blob://model-outputs/runs/r1/evaluation-batches/000050-000100.json"


def test_scores_that_do_not_match_the_rows_are_refused(rows: list[PredictionRow]):
    with pytest.raises(ValueError, match="11 rows but 1 scored samples"):
        summarise(rows, ScoredRows([{"exact_match": 1.0}]), None)


def test_batch_size_setting():
    assert Settings.from_env(ENV).eval_batch_size == 50
    assert Settings.from_env({**ENV, "EVAL_BATCH_SIZE": "8"}).eval_batch_size == 8
    with pytest.raises(SettingsError, match="EVAL_BATCH_SIZE"):
        Settings.from_env({**ENV, "EVAL_BATCH_SIZE": "0"})
