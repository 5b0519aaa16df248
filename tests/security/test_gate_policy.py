"""The requester chooses a profile, not the bar: a lower threshold or gaming weights get 422, nothing written."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api
from tests.fixtures.devhost import RunningDevHost
from tests.fixtures.security_stack import SECURITY_FLOOR

REQUEST = {"model_id": "acme/does-not-exist", "dataset": "rag_qa", "experiment_name": "sec", "task_type": "evaluate"}


@pytest.fixture
def api(security_host: RunningDevHost) -> Api:
    return Api(security_host)


def _run_count(api: Api) -> int:
    return len(api.get("/runs?limit=500").json()["runs"])


def _refused(api: Api, body: dict[str, object]) -> dict[str, str]:
    before = _run_count(api)
    response = api.post("/runs", body)
    assert response.status_code == 422, response.text
    assert _run_count(api) == before
    return dict(response.json()["fields"])


def test_a_threshold_below_the_floor_is_refused_naming_the_field(api: Api) -> None:
    fields = _refused(api, {**REQUEST, "ml_score_threshold": 0.0})
    assert str(SECURITY_FLOOR) in fields["ml_score_threshold"]


def test_all_weight_on_context_recall_is_refused_naming_the_metric(api: Api) -> None:
    fields = _refused(api, {**REQUEST, "metric_weights": {"context_recall": 1}})
    assert "metric_weights.context_recall" in fields


def test_custom_weights_are_refused_where_the_policy_forbids_them(api: Api) -> None:
    fields = _refused(api, {**REQUEST, "metric_weights": {"exact_match": 0.1, "rouge_l": 0.9}})
    assert "not allowed" in fields["metric_weights"]


def test_the_run_records_the_policy_and_profile_it_was_held_to(api: Api) -> None:
    run_id = api.start_run("acme/does-not-exist", task_type="evaluate", weight_profile="default")
    run = api.run(run_id)
    assert run["ml_score_threshold"] == SECURITY_FLOOR
    assert run["weight_profile"] == "default"
    assert run["policy_version"] == run["gate_policy"]["version"] and run["policy_version"].startswith("gp-")
    assert run["gate_policy"]["threshold_floor"] == SECURITY_FLOOR
