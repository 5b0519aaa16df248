"""The Service Bus topology in Bicep equals infra/servicebus/Config.json (the emulator's and devhost's)."""

import json
import re

from infra.checks import bicep

CONFIG = bicep.INFRA / "servicebus" / "Config.json"
SERVICEBUS = bicep.INFRA / "modules" / "servicebus.bicep"


def _config_topic() -> dict:
    text = re.sub(r"^\s*//.*$", "", CONFIG.read_text(), flags=re.MULTILINE)
    (namespace,) = json.loads(text)["UserConfig"]["Namespaces"]
    (topic,) = namespace["Topics"]
    return topic


def _bicep_var(name: str):
    parsed = bicep.parse(SERVICEBUS)
    return bicep.literal(parsed, bicep.variable(parsed, name))


def test_topic_and_its_properties_match():
    config = _config_topic()
    topic = _bicep_var("topic")
    assert topic["name"] == config["Name"]
    props = config["Properties"]
    assert topic["defaultMessageTimeToLive"] == props["DefaultMessageTimeToLive"]
    assert topic["duplicateDetectionHistoryTimeWindow"] == props["DuplicateDetectionHistoryTimeWindow"]
    assert topic["requiresDuplicateDetection"] == props["RequiresDuplicateDetection"]


def test_subscriptions_and_their_properties_match():
    config = _config_topic()["Subscriptions"]
    assert _bicep_var("subscriptions") == [s["Name"] for s in config]
    defaults = _bicep_var("subscriptionDefaults")
    for subscription in config:
        props = subscription["Properties"]
        assert defaults == {
            "deadLetteringOnMessageExpiration": props["DeadLetteringOnMessageExpiration"],
            "defaultMessageTimeToLive": props["DefaultMessageTimeToLive"],
            "lockDuration": props["LockDuration"],
            "maxDeliveryCount": props["MaxDeliveryCount"],
            "requiresSession": props["RequiresSession"],
        }, subscription["Name"]
    assert defaults["maxDeliveryCount"] == 3


def test_sql_rules_match():
    expected = sorted(
        (s["Name"], r["Name"], r["Properties"]["SqlFilter"]["SqlExpression"])
        for s in _config_topic()["Subscriptions"]
        for r in s["Rules"]
    )
    actual = sorted((r["subscription"], r["name"], r["sqlExpression"]) for r in _bicep_var("rules"))
    assert actual == expected


def test_the_arm_default_rule_is_neutralised():
    """ARM creates a $Default TrueFilter rule on each subscription; the Bicep overrides it to match nothing."""
    source = SERVICEBUS.read_text()
    assert "name: '$Default'" in source
    assert "sqlExpression: '1=0'" in source
