"""Every card kind, rendered from the one template module, validates against the official schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from mlops.cards import CardLinks, card_kinds, render_card

SCHEMA = json.loads((Path(__file__).parent / "schema" / "adaptive-card-1.5.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft6Validator(SCHEMA, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
LINKS = CardLinks(
    run_url="http://ui/?run_id=r1",
    studio_url="https://ml.azure.com/model/m:3/details",
    approve_url="http://app/api/approvals/a.b",
    reject_url="http://app/api/approvals/c.d",
)
FACTS = {
    "model": "tiny-ft v3",
    "model_name": "tiny-ft",
    "model_version": "3",
    "base_model": "HuggingFaceTB/SmolLM2-135M",
    "dataset": "rag_qa",
    "ml_score": 0.81234,
    "threshold": 0.7,
    "metrics": {"rouge_l": 0.5, "bleu": None},
    "weights": {"rouge_l": 0.6, "bleu": 0.4},
    "started_by": "ana",
    "deadline": "2026-01-04T09:00:00+00:00",
}


def _errors(card: dict) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(card)]


@pytest.mark.parametrize("kind", card_kinds())
def test_every_kind_is_a_valid_adaptive_card(kind):
    card = render_card(kind, "r1", FACTS, LINKS)
    assert _errors(card) == [] and card["version"] == "1.4"


def test_approval_card_has_the_facts_the_table_and_four_buttons():
    card = render_card("approval_requested", "r1", FACTS, LINKS)
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts == {
        "Run": "r1",
        "Model": "tiny-ft v3",
        "Base model": "HuggingFaceTB/SmolLM2-135M",
        "Dataset": "rag_qa",
        "MLScore": "0.812",
        "Threshold": "0.700",
        "Started by": "ana",
        "Decide before": "2026-01-04T09:00:00+00:00",
    }
    assert card["body"][2]["text"] == "MLScore 0.812 >= threshold 0.700" and card["body"][2]["color"] == "Good"
    rows = [[col["items"][0]["text"] for col in row["columns"]] for row in card["body"][3]["items"]]
    assert rows == [["Metric", "Score", "Weight"], ["rouge_l", "0.500", "0.600"], ["bleu", "n/a", "0.400"]]
    actions = [(a["type"], a["title"], a["url"]) for a in card["actions"]]
    assert actions == [
        ("Action.OpenUrl", "Approve", LINKS.approve_url),
        ("Action.OpenUrl", "Reject", LINKS.reject_url),
        ("Action.OpenUrl", "Open run", LINKS.run_url),
        ("Action.OpenUrl", "Open in Azure ML Studio", LINKS.studio_url),
    ]


def test_styles_follow_the_outcome_and_below_threshold_is_flagged():
    styles = {kind: render_card(kind, "r", {}, "http://x")["body"][0]["style"] for kind in card_kinds()}
    assert (styles["rejected"], styles["go_prod"], styles["failed"]) == ("attention", "good", "attention")
    below = render_card("rejected", "r", {"ml_score": 0.2, "threshold": 0.7}, "http://x")
    assert below["body"][2]["color"] == "Attention" and "<" in below["body"][2]["text"]


def test_final_card_names_who_decided_and_cards_without_links_have_only_open_run():
    card = render_card("go_prod", "r", {"decided_by": "ana", "via": "teams_link", "comment": "ok"}, "http://x")
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert (facts["Decided by"], facts["Through"], facts["Comment"]) == ("ana", "teams_link", "ok")
    assert [a["title"] for a in card["actions"]] == ["Open run"]


def test_the_schema_really_rejects_a_broken_card():
    card = render_card("failed", "r", {}, "http://x")
    card["body"][0]["style"] = "neon"
    card["actions"][0]["confirm"] = True
    assert _errors(card)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown card kind"):
        render_card("party", "r", {}, "http://x")
