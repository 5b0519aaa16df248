import math

import pytest

from mlops.evaluation import EvaluationFailed, MetricWeights
from mlops.evaluation.evaluate import choose_weights
from mlops.evaluation.policy import assess
from mlops.evaluation.run import decision_rows
from mlops.settings import Settings, SettingsError

EM = MetricWeights.from_mapping({"exact_match": 1.0, "faithfulness": 1.0})
ENV = {"DATABASE_URL": "postgresql://x", "BLOB_CONNECTION_STRING": "x", "MLFLOW_TRACKING_URI": "sqlite:///x"}


def test_failed_policy_is_data_with_the_numbers() -> None:
    samples = [{"exact_match": 1.0, "faithfulness": math.nan}, {"exact_match": 1.0, "faithfulness": 0.5}]
    verdict = assess(samples, EM, max_nan_fraction=0.25)
    assert verdict.score is None and verdict.failure is not None and "faithfulness (50% NaN)" in verdict.failure
    assert verdict.decision() == {
        "nan_policy": "failed",
        "reason": verdict.failure,
        "max_nan_fraction": 0.25,
        "nan_fractions": {"exact_match": 0.0, "faithfulness": 0.5},
    }


def test_passed_policy_keeps_the_score() -> None:
    verdict = assess([{"exact_match": 1.0, "faithfulness": 0.5}], EM, max_nan_fraction=0.0)
    assert verdict.score is not None and verdict.score.value == 0.75
    assert verdict.decision()["nan_policy"] == "passed"


def test_judge_metric_weights_need_a_judge() -> None:
    with pytest.raises(EvaluationFailed, match="need a judge for faithfulness"):
        choose_weights({"faithfulness": 1.0}, judge=None)
    assert choose_weights(None, judge=None) == MetricWeights()


def test_judge_defaults_sum_to_one_and_leave_the_retriever_out() -> None:
    weights = MetricWeights.judge_defaults().as_dict()
    assert math.isclose(sum(weights.values()), 1.0)
    assert weights["context_precision"] == weights["llm_context_recall"] == weights["context_recall"] == 0.0


def test_judge_and_nan_threshold_settings() -> None:
    off = Settings.from_env(ENV)
    assert off.judge is None and off.eval_max_nan_fraction == 0.2
    on = Settings.from_env({**ENV, "AZURE_AI_ENDPOINT": "https://m.ai.azure.com/v1/", "AZURE_AI_API_KEY": "k"})
    assert on.judge is not None
    assert on.judge.endpoint == "https://m.ai.azure.com/v1" and on.judge.max_concurrency == 16
    with pytest.raises(SettingsError, match="AZURE_AI_API_KEY"):
        Settings.from_env({**ENV, "AZURE_AI_ENDPOINT": "https://m"})
    with pytest.raises(SettingsError, match="EVAL_MAX_NAN_FRACTION"):
        Settings.from_env({**ENV, "EVAL_MAX_NAN_FRACTION": "1.5"})


def test_decision_rows_for_run_results() -> None:
    from mlops.evaluation.evaluate import EvaluationResult

    verdict = assess([{"exact_match": 1.0, "faithfulness": math.nan}], EM, max_nan_fraction=0.2)
    result = EvaluationResult({}, 0.0, EM.as_dict(), [], 1, failure=verdict.failure, decision=verdict.decision())
    rows = decision_rows(result)
    assert rows["decision.nan_policy_failed"] == 1.0 and rows["decision.ml_score"] is None
    assert rows["decision.nan_fraction.faithfulness"] == 1.0 and rows["decision.max_nan_fraction"] == 0.2
