"""Adaptive Cards: one per milestone, schema 1.4, with the facts an approver needs."""

import pytest

from mlops.cards import render_card


@pytest.mark.parametrize("kind", ["approval_requested", "rejected", "go_prod", "expired", "failed"])
def test_every_kind_renders_a_1_4_card_with_the_run(kind):
    card = render_card(kind, "run-1", {"ml_score": 0.81234, "metrics": {"rouge_l": 0.5, "bleu": None}}, "http://x/r")
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Run"] == "run-1" and facts["Ml score"] == "0.812"
    assert {"title": "bleu", "value": "n/a"} in card["body"][2]["facts"]
    assert card["actions"][0]["url"] == "http://x/r"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown card kind"):
        render_card("party", "r", {}, "http://x")
