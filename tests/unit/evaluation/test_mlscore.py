import math

import pytest

from mlops.evaluation import METRIC_NAMES, EvaluationFailed, MetricWeights, compute_ml_score

NAN = math.nan
EM_ROUGE = MetricWeights.from_mapping({"exact_match": 3, "rouge_l": 1})
Samples = list[dict[str, float | None]]


def samples(**columns: list[float | None]) -> Samples:
    """Per-sample dicts from one list of values per metric; unnamed metrics get 0.5."""
    count = len(next(iter(columns.values())))
    return [{name: columns.get(name, [0.5] * count)[i] for name in METRIC_NAMES} for i in range(count)]


def test_weighted_mean_of_metric_means() -> None:
    score = compute_ml_score(samples(exact_match=[1.0, 0.0], rouge_l=[1.0, 0.5]), EM_ROUGE)
    assert score.metrics["exact_match"] == 0.5 and score.metrics["rouge_l"] == 0.75
    assert math.isclose(score.value, (3 * 0.5 + 1 * 0.75) / 4)
    assert math.isclose(score.effective_weights["exact_match"], 0.75)
    assert score.effective_weights["bleu"] == 0.0
    assert score.notes == []


def test_nan_within_tolerance_is_averaged_over_the_rest_not_as_zero() -> None:
    rows = samples(exact_match=[1.0, 1.0, 1.0, 1.0, NAN], rouge_l=[1.0] * 5)
    score = compute_ml_score(rows, EM_ROUGE, max_nan_fraction=0.2)
    assert score.value == 1.0
    assert score.nan_fractions["exact_match"] == pytest.approx(0.2)
    assert any("exact_match: averaged over 4 of 5" in note for note in score.notes)


def test_none_counts_as_nan() -> None:
    score = compute_ml_score(samples(exact_match=[None, 1.0, 1.0, 1.0, 1.0], rouge_l=[0.0] * 5), EM_ROUGE)
    assert score.metrics["exact_match"] == 1.0
    assert math.isclose(score.value, 0.75)


def test_nan_share_above_tolerance_fails_with_reason() -> None:
    rows = samples(exact_match=[1.0, NAN, NAN, 1.0], rouge_l=[1.0] * 4)
    with pytest.raises(EvaluationFailed, match=r"exact_match \(50% NaN\)") as caught:
        compute_ml_score(rows, EM_ROUGE, max_nan_fraction=0.2)
    assert "above 20%" in caught.value.reason


def test_unweighted_nan_metric_is_reported_not_fatal() -> None:
    only_em = MetricWeights.from_mapping({"exact_match": 1})
    score = compute_ml_score(samples(exact_match=[1.0, 1.0], bleu=[NAN, NAN]), only_em)
    assert score.metrics["bleu"] is None
    assert score.value == 1.0


def test_weighted_metric_without_value_is_excluded_and_weights_renormalised() -> None:
    rows = samples(exact_match=[NAN, NAN], rouge_l=[0.4, 0.6])
    score = compute_ml_score(rows, EM_ROUGE, max_nan_fraction=1.0)
    assert score.metrics["exact_match"] is None
    assert score.value == pytest.approx(0.5)
    assert score.effective_weights["rouge_l"] == 1.0 and score.effective_weights["exact_match"] == 0.0
    assert any("excluded (no value) and weights renormalised: exact_match" in note for note in score.notes)


def test_fails_when_no_weighted_metric_has_a_value() -> None:
    with pytest.raises(EvaluationFailed, match="no weighted metric has a value"):
        compute_ml_score(samples(exact_match=[NAN], rouge_l=[NAN]), EM_ROUGE, max_nan_fraction=1.0)


def test_fails_without_samples() -> None:
    with pytest.raises(EvaluationFailed, match="no samples"):
        compute_ml_score([], MetricWeights())


def test_missing_metric_key_is_nan() -> None:
    with pytest.raises(EvaluationFailed, match="rouge_l"):
        compute_ml_score([{"exact_match": 1.0}], EM_ROUGE)


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_max_nan_fraction_must_be_a_share(fraction: float) -> None:
    with pytest.raises(ValueError, match="max_nan_fraction"):
        compute_ml_score(samples(exact_match=[1.0]), MetricWeights(), max_nan_fraction=fraction)
