"""The gate policy: the requester picks a profile and may raise the bar, never lower it or game the weights."""

import pytest

from mlops.evaluation import MetricWeights
from mlops.gate import GatePolicy, PolicyViolation
from mlops.settings import Settings, SettingsError

POLICY = GatePolicy(threshold_floor=0.6)


def _refused(policy: GatePolicy, **request: object) -> dict[str, str]:
    args = {"threshold": None, "profile": None, "weights": None, **request}
    with pytest.raises(PolicyViolation) as raised:
        policy.choose(**args)  # type: ignore[arg-type]
    return raised.value.fields


def test_a_request_without_threshold_or_weights_gets_the_floor_and_the_default_profile() -> None:
    choice = POLICY.choose(None, None, None)
    assert (choice.threshold, choice.profile, choice.weights) == (0.6, "default", MetricWeights().as_dict())


def test_a_threshold_below_the_floor_is_refused_naming_the_field_and_the_policy() -> None:
    fields = _refused(POLICY, threshold=0.0)
    assert list(fields) == ["ml_score_threshold"] and POLICY.version in fields["ml_score_threshold"]


def test_raising_the_bar_above_the_floor_is_allowed() -> None:
    assert POLICY.choose(0.9, None, None).threshold == 0.9


def test_custom_weights_are_refused_unless_the_policy_allows_them() -> None:
    assert "metric_weights" in _refused(POLICY, weights={"rouge_l": 1.0})
    allowing = GatePolicy(allow_custom_weights=True)
    assert allowing.choose(None, None, {"rouge_l": 1.0}).profile == "custom"


def test_weight_on_a_metric_that_ignores_the_answer_is_refused_even_where_custom_weights_are_allowed() -> None:
    fields = _refused(GatePolicy(allow_custom_weights=True), weights={"context_recall": 1.0})
    assert set(fields) == {"metric_weights.context_recall", "metric_weights"}


def test_a_profile_spelled_out_as_weights_is_that_profile() -> None:
    assert POLICY.choose(None, None, MetricWeights().as_dict()).profile == "default"


def test_an_unknown_profile_is_refused_listing_the_offered_ones() -> None:
    assert "default" in _refused(POLICY, profile="lenient")["weight_profile"]


def test_the_version_changes_with_the_content_and_only_with_it() -> None:
    assert GatePolicy(threshold_floor=0.6).version == POLICY.version
    assert GatePolicy(threshold_floor=0.5).version != POLICY.version
    assert POLICY.snapshot()["version"] == POLICY.version


def test_settings_build_the_policy_and_name_a_malformed_setting() -> None:
    policy = _policy({"GATE_THRESHOLD_FLOOR": "0.8", "APPROVALS_REQUIRED": "2"})
    assert (policy.threshold_floor, policy.approvals_required, policy.allow_custom_weights) == (0.8, 2, False)
    with pytest.raises(SettingsError, match="GATE_ALLOW_CUSTOM_WEIGHTS"):
        _policy({"GATE_ALLOW_CUSTOM_WEIGHTS": "maybe"})
    with pytest.raises(SettingsError, match="GATE_THRESHOLD_FLOOR"):
        _policy({"GATE_THRESHOLD_FLOOR": "1.5"})


def test_a_configured_profile_that_weighs_the_retriever_is_refused_at_start_up() -> None:
    with pytest.raises(SettingsError, match="context_recall"):
        _policy({"GATE_WEIGHT_PROFILES": '{"default": {"context_recall": 1}}'})


def _policy(values: dict[str, str]) -> GatePolicy:
    base = {
        "DATABASE_URL": "postgresql://x/db",
        "BLOB_CONNECTION_STRING": "cs",
        "MLFLOW_TRACKING_URI": "sqlite:///m.db",
    }
    return Settings.from_env({**base, **values}).gate_policy
