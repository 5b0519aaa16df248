"""Free text on a card is shown as typed: no link, emphasis, list or extra line can be slipped in."""

from mlops.card_text import escape_card_text
from mlops.cards import render_card


def test_a_markdown_link_in_a_comment_is_not_a_link() -> None:
    assert escape_card_text("[Approve](https://evil.example)") == r"\[Approve\](https://evil.example)"


def test_a_newline_cannot_start_a_forged_line() -> None:
    assert escape_card_text("fine\n- Decided by: mallory") == "fine - Decided by: mallory"


def test_a_leading_list_marker_is_escaped() -> None:
    assert (escape_card_text("- x"), escape_card_text("1. x")) == (r"\- x", r"1\. x")


def test_emphasis_is_escaped_but_names_and_ids_stay_readable() -> None:
    assert escape_card_text("**urgent** _now_") == r"\*\*urgent\*\* \_now\_"
    assert escape_card_text("rag_qa ana@contoso.com HuggingFaceTB/SmolLM2-135M 0.812") == (
        "rag_qa ana@contoso.com HuggingFaceTB/SmolLM2-135M 0.812"
    )


def test_card_facts_carry_the_escaped_text() -> None:
    card = render_card("go_prod", "r1", {"comment": "see [here](https://evil.example)"}, "https://run")
    facts = {fact["title"]: fact["value"] for fact in card["body"][1]["facts"]}
    assert facts["Comment"] == r"see \[here\](https://evil.example)"
