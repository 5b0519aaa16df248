"""A weight on a metric that does not read the answer (context_recall 1.0 on every row) does not count."""

import pytest

from mlops.evaluation import EvaluationFailed, MetricWeights, compute_ml_score

SAMPLES = [{"exact_match": 0.0, "context_recall": 1.0}, {"exact_match": 1.0, "context_recall": 1.0}]


def test_a_constant_retriever_metric_weighs_nothing_and_a_note_says_why() -> None:
    score = compute_ml_score(SAMPLES, MetricWeights.from_mapping({"exact_match": 0.5, "context_recall": 0.5}))
    assert score.value == pytest.approx(0.5)
    assert score.effective_weights["context_recall"] == 0.0
    assert any("context_recall" in note and "constant 1 over all 2 rows" in note for note in score.notes)


def test_weights_only_on_retriever_metrics_fail_the_evaluation() -> None:
    with pytest.raises(EvaluationFailed, match="tell models apart"):
        compute_ml_score(SAMPLES, MetricWeights.from_mapping({"context_recall": 1.0}))


def test_a_constant_answer_metric_still_counts() -> None:
    perfect = [{"exact_match": 1.0}, {"exact_match": 1.0}]
    assert compute_ml_score(perfect, MetricWeights.from_mapping({"exact_match": 1.0})).value == 1.0
