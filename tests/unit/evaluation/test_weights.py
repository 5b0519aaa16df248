import math

import pytest

from mlops.evaluation import METRIC_NAMES, InvalidWeights, MetricWeights


def test_defaults_cover_every_metric_and_sum_to_one() -> None:
    weights = MetricWeights().as_dict()
    assert tuple(weights) == METRIC_NAMES
    assert math.isclose(sum(weights.values()), 1.0)
    assert weights["context_recall"] == 0.0 and weights["bleu"] == 0.0
    assert MetricWeights.from_mapping(None) == MetricWeights()


def test_mapping_gives_exactly_the_named_weights() -> None:
    weights = MetricWeights.from_mapping({"exact_match": 2, "rouge_l": 1}).as_dict()
    assert weights == {name: {"exact_match": 2.0, "rouge_l": 1.0}.get(name, 0.0) for name in METRIC_NAMES}


def test_unknown_metric_is_named() -> None:
    with pytest.raises(InvalidWeights, match=r"'fluency': unknown metric") as caught:
        MetricWeights.from_mapping({"exact_match": 1, "fluency": 1})
    assert caught.value.field == "fluency"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_negative_or_non_finite_weight_is_rejected(bad: float) -> None:
    with pytest.raises(InvalidWeights, match=r"'rouge_l': must be finite and >= 0") as caught:
        MetricWeights.from_mapping({"exact_match": 1, "rouge_l": bad})
    assert caught.value.field == "rouge_l"


@pytest.mark.parametrize("bad", ["0.5", True, None])
def test_non_number_weight_is_rejected(bad: object) -> None:
    with pytest.raises(InvalidWeights, match=r"'bleu': must be a number"):
        MetricWeights.from_mapping({"exact_match": 1, "bleu": bad})  # type: ignore[dict-item]


@pytest.mark.parametrize("weights", [{}, {"exact_match": 0, "bleu": 0.0}])
def test_at_least_one_weight_must_be_positive(weights: dict[str, float]) -> None:
    with pytest.raises(InvalidWeights, match="at least one weight must be positive"):
        MetricWeights.from_mapping(weights)
