"""Config.json loading: the shipped topology, `//` comments, and clear validation errors."""

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devhost.servicebus.config import load_topology, parse_topology
from devhost.servicebus.errors import TopologyConfigError
from devhost.servicebus.filters import CorrelationFilter, MessageView, TrueFilter

CONFIG = Path(__file__).resolve().parents[3] / "infra" / "servicebus" / "Config.json"
ROUTES = {
    "sub-orchestrator": {"run.created"},
    "sub-training-events": {
        "run.training_done",
        "run.training_failed",
        "run.staging_done",
        "run.staging_failed",
        "run.scoring_done",
        "run.scoring_failed",
    },
    "sub-notifications": {
        "run.eval_passed",
        "run.eval_rejected",
        "run.go_prod",
        "run.expired",
        "run.rejected",
        "run.failed",
    },
}


def minimal(**subscription: Any) -> dict[str, Any]:
    sub = {"Name": "sub-a", "Properties": {"MaxDeliveryCount": 3}, **subscription}
    topic = {"Name": "topic-a", "Properties": {}, "Subscriptions": [sub]}
    return {
        "UserConfig": {
            "Namespaces": [{"Name": "sbemulatorns", "Queues": [], "Topics": [topic]}],
            "Logging": {"Type": "File"},
        }
    }


def sub_of(document: dict[str, Any]) -> dict[str, Any]:
    return document["UserConfig"]["Namespaces"][0]["Topics"][0]["Subscriptions"][0]


def test_shipped_config_has_the_contract_topology() -> None:
    topology = load_topology(CONFIG)
    topic = topology.topic("mlops-events")
    assert topology.namespace == "sbemulatorns"
    assert topic is not None
    assert {s.name for s in topic.subscriptions} == set(ROUTES)
    every_event = set().union(*ROUTES.values()) | {"run.unknown"}
    for sub in topic.subscriptions:
        assert sub.max_delivery_count == 3
        assert sub.dead_letter_on_expiration
        routed = {
            e
            for e in every_event
            if any(r.filter.matches(MessageView(application={"event_type": e})) for r in sub.rules)
        }
        assert routed == ROUTES[sub.name]


def test_shipped_config_is_strict_json_in_the_emulator_format() -> None:
    document = json.loads(CONFIG.read_text())  # the official emulator reads no comments ("Out of memory")
    rule = document["UserConfig"]["Namespaces"][0]["Topics"][0]["Subscriptions"][0]["Rules"][0]
    assert rule["Properties"]["FilterType"] == "Sql"
    assert "SqlExpression" in rule["Properties"]["SqlFilter"]
    assert document["UserConfig"]["Logging"]["Type"] == "File"


def test_a_config_with_comments_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "Config.json"
    path.write_text("// topology\n" + json.dumps(minimal()))
    with pytest.raises(TopologyConfigError, match=r"Config\.json is not valid JSON \(strict: no comments\)"):
        load_topology(path)


def test_subscription_properties_and_defaults() -> None:
    props = {
        "MaxDeliveryCount": 10,
        "LockDuration": "PT5S",
        "DefaultMessageTimeToLive": "PT1H",
        "DeadLetteringOnMessageExpiration": True,
    }
    document = minimal(Properties=props)
    sub = parse_topology(document).topics[0].subscriptions[0]
    assert (sub.max_delivery_count, sub.lock_duration, sub.default_ttl) == (
        10,
        timedelta(seconds=5),
        timedelta(hours=1),
    )
    assert sub.dead_letter_on_expiration
    assert sub.rules[0].name == "$Default" and isinstance(sub.rules[0].filter, TrueFilter)


def test_correlation_rule() -> None:
    rule = {
        "Name": "corr",
        "Properties": {
            "FilterType": "Correlation",
            "CorrelationFilter": {
                "Label": "train",
                "CorrelationId": "c-1",
                "Properties": {"event_type": "run.created", "n": 5},
            },
        },
    }
    flt = parse_topology(minimal(Rules=[rule])).topics[0].subscriptions[0].rules[0].filter
    assert isinstance(flt, CorrelationFilter)
    system = {"label": "train", "correlationid": "c-1"}
    match = MessageView(system, {"event_type": "run.created", "n": 5})
    assert flt.matches(match)
    assert not flt.matches(MessageView(system, {"event_type": "run.created"}))
    assert not flt.matches(MessageView({"label": "other", "correlationid": "c-1"}, match.application))
    assert not flt.matches(MessageView(match.system, {"event_type": "run.created", "n": "5"}))


def _broken(path: list[Any], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(
        minimal(Rules=[{"Name": "r", "Properties": {"FilterType": "Sql", "SqlFilter": {"SqlExpression": "a = 1"}}}])
    )
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


NS = ["UserConfig", "Namespaces", 0]
SUB = [*NS, "Topics", 0, "Subscriptions", 0]
RULE = [*SUB, "Rules", 0, "Properties"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ([*NS, "Name"], "myns", "Name must be 'sbemulatorns'"),
        (["UserConfig", "Logging"], {"Type": "Syslog"}, "Logging.Type must be one of"),
        ([*SUB, "Properties", "MaxDeliveryCount"], 0, "MaxDeliveryCount must be an integer from 1 to 10"),
        ([*SUB, "Properties", "MaxDeliveryCount"], 11, "Subscriptions[0].Properties.MaxDeliveryCount"),
        ([*SUB, "Properties", "MaxDeliveryCount"], True, "MaxDeliveryCount"),
        ([*SUB, "Properties", "LockDuration"], "1 minute", "LockDuration must be an ISO 8601 duration"),
        ([*SUB, "Properties", "DeadLetteringOnMessageExpiration"], "yes", "must be true or false"),
        ([*SUB, "Name"], "-bad", "Name must match"),
        ([*RULE, "FilterType"], "SqlFilter", "FilterType must be 'Sql' or 'Correlation'"),
        ([*RULE, "SqlFilter"], {"SqlExpression": "a = "}, "SqlFilter.SqlExpression: expected a value"),
        ([*NS, "Topics", 0, "Subscriptions"], [{"Name": "s"}, {"Name": "S"}], "duplicate names"),
    ],
)
def test_validation_errors_name_the_field(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(TopologyConfigError) as info:
        parse_topology(_broken(path, value))
    assert message in str(info.value)


def test_rule_actions_are_loaded_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    document = _broken([*RULE, "Action"], {"SqlExpression": "SET sys.To = 'Entity'"})
    assert parse_topology(document).topics[0].subscriptions[0].rules[0].name == "r"
    assert "is ignored" in caplog.text


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(TopologyConfigError, match="cannot read"):
        load_topology(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(TopologyConfigError, match="not valid JSON"):
        load_topology(bad)


def test_duplicate_detection_window_is_read_only_when_required() -> None:
    on = minimal()
    on["UserConfig"]["Namespaces"][0]["Topics"][0]["Properties"] = {
        "RequiresDuplicateDetection": True,
        "DuplicateDetectionHistoryTimeWindow": "PT10M",
    }
    assert parse_topology(on).topics[0].duplicate_window == timedelta(minutes=10)
    assert parse_topology(minimal()).topics[0].duplicate_window is None
