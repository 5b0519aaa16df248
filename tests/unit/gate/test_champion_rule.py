"""The gate's champion rule: MLflow MetricThreshold semantics judged on the 95 % interval of the paired
difference, with the numbers in the reason; off by default, and the policy's hash unchanged when off."""

from typing import Any

import pytest

from mlops.gate import GatePolicy
from mlops.gate.champion import ChampionRule
from mlops.settings import Settings, SettingsError


def gate_policy_from_env(values: dict[str, str]) -> GatePolicy:
    base = {"DATABASE_URL": "postgresql://x/db", "BLOB_CONNECTION_STRING": "cs", "MLFLOW_TRACKING_URI": "sqlite:///m"}
    return Settings.from_env({**base, **values}).gate_policy


def _compared(candidate: float, champion: float, low: float, high: float) -> dict[str, Any]:
    side = {"candidate": candidate, "champion": champion, "diff": candidate - champion, "low": low, "high": high}
    return {"status": "compared", "ml_score": side | {"p_better": 0.5, "pairs": 40}, "metrics": {}}


def test_not_worse_by_more_than_delta_passes_when_the_lower_bound_stays_above_minus_delta() -> None:
    rule = ChampionRule(min_absolute_change=-0.02)
    assert rule.check(_compared(0.87, 0.88, -0.015, 0.005)) == (True, None)


def test_a_lower_bound_below_minus_delta_fails_with_the_numbers_in_the_reason() -> None:
    passed, reason = ChampionRule(min_absolute_change=-0.02).check(_compared(0.86, 0.88, -0.05, 0.01))
    assert not passed
    assert reason == (
        "champion rule on ml_score: change vs champion 0.880 is -0.020 (95 % CI -0.050…+0.010), not beyond -0.020"
    )


def test_a_required_improvement_must_hold_at_the_lower_bound_not_just_the_point_estimate() -> None:
    rule = ChampionRule(min_absolute_change=0.01)
    assert not rule.check(_compared(0.91, 0.88, 0.005, 0.05))[0]
    assert rule.check(_compared(0.91, 0.88, 0.011, 0.05))[0]


def test_relative_change_is_measured_against_the_champion_value() -> None:
    rule = ChampionRule(min_relative_change=0.01)  # +1 % of 0.80 is 0.008
    assert rule.check(_compared(0.85, 0.80, 0.009, 0.08))[0]
    passed, reason = rule.check(_compared(0.85, 0.80, 0.007, 0.08))
    assert not passed and "relative change vs champion 0.800" in str(reason)


def test_lower_is_better_uses_the_upper_bound() -> None:
    rule = ChampionRule(metric="ml_score", min_absolute_change=0.01, greater_is_better=False)
    assert rule.check(_compared(0.70, 0.80, -0.15, -0.02))[0]
    assert not rule.check(_compared(0.70, 0.80, -0.15, -0.005))[0]


def test_the_threshold_applies_to_the_candidate_value() -> None:
    passed, reason = ChampionRule(threshold=0.9).check(_compared(0.85, 0.80, 0.01, 0.08))
    assert not passed and "0.850 < threshold 0.9" in str(reason)


def test_without_a_comparison_the_rule_does_not_apply() -> None:
    rule = ChampionRule(min_absolute_change=0.5)
    assert rule.check({"status": "first_model"}) == (True, None)
    assert rule.check({"status": "not_comparable"}) == (True, None)


def test_a_rule_with_no_bar_is_refused() -> None:
    with pytest.raises(ValueError, match="needs threshold"):
        ChampionRule()


def test_the_setting_parses_json_and_names_itself_when_malformed() -> None:
    policy = gate_policy_from_env({"GATE_CHAMPION_RULE": '{"min_absolute_change": -0.02}'})
    assert policy.champion_rule == ChampionRule(min_absolute_change=-0.02)
    assert policy.snapshot()["champion_rule"]["min_absolute_change"] == -0.02
    for raw in ("[1]", "{", '{"delta": 1}', '{"threshold": "high"}'):
        with pytest.raises(SettingsError, match="GATE_CHAMPION_RULE"):
            gate_policy_from_env({"GATE_CHAMPION_RULE": raw})


def test_the_rule_is_off_by_default_and_leaves_the_policy_version_as_it_was() -> None:
    assert gate_policy_from_env({}).champion_rule is None
    assert gate_policy_from_env({}).version == GatePolicy().version
    assert "champion_rule" not in GatePolicy().snapshot()
    with_rule = GatePolicy(champion_rule=ChampionRule(min_absolute_change=-0.02))
    assert with_rule.version != GatePolicy().version
