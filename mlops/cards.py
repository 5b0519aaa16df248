"""Adaptive Cards (schema 1.4) for run milestones: the one template module, same JSON for Teams and the UI.

Cards posted through a Teams Workflows webhook cannot post back (no Action.Submit), so every button is an
Action.OpenUrl: Approve/Reject open the signed decision page, the others open the run and the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from mlops.card_text import escape_card_text

SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION: Final = "1.4"

_TITLES: Final = {
    "approval_requested": ("Model ready for approval", "accent"),
    "approval_reminder": ("Reminder: a model still awaits your decision", "warning"),
    "rejected": ("Model rejected", "attention"),
    "go_prod": ("Model approved for production", "good"),
    "expired": ("Approval window expired", "warning"),
    "failed": ("Release run failed", "attention"),
}
_LABELS: Final = {
    "model": "Model",
    "base_model": "Base model",
    "dataset": "Dataset",
    "ml_score": "MLScore",
    "threshold": "Threshold",
    "started_by": "Started by",
    "approvals": "Approvals",
    "deadline": "Decide before",
    "decided_by": "Decided by",
    "decided_at": "Decided at",
    "via": "Through",
    "comment": "Comment",
    "reason": "Reason",
    "policy": "Gate policy",
    "comparison": "Against production",
}
_HIDDEN: Final = frozenset({"metrics", "weights", "model_version", "model_name"})


@dataclass(frozen=True)
class CardLinks:
    """Where the buttons go; a missing link leaves its button out."""

    run_url: str
    studio_url: str | None = None
    approve_url: str | None = None
    reject_url: str | None = None


def card_kinds() -> list[str]:
    """Every kind a card can be rendered for."""
    return list(_TITLES)


def render_card(kind: str, run_id: str, facts: dict[str, Any], links: CardLinks | str) -> dict[str, Any]:
    """Build the card for ``kind`` (``links`` may be just the run URL); unknown kinds raise ValueError."""
    if kind not in _TITLES:
        raise ValueError(f"unknown card kind {kind!r}; expected one of {sorted(_TITLES)}")
    links = CardLinks(run_url=links) if isinstance(links, str) else links
    title, style = _TITLES[kind]
    body: list[dict[str, Any]] = [
        {
            "type": "Container",
            "style": style,
            "bleed": True,
            "items": [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Large", "wrap": True}],
        },
        {"type": "FactSet", "facts": [{"title": "Run", "value": run_id}, *_facts(facts)]},
    ]
    verdict = _verdict(facts)
    if verdict is not None:
        body.append(verdict)
    metrics = facts.get("metrics")
    if isinstance(metrics, dict) and metrics:
        body.append(_metric_table(metrics, facts.get("weights") or {}))
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": f"{title}: run {run_id}",
        "body": body,
        "actions": _actions(links),
    }


def _facts(facts: dict[str, Any]) -> list[dict[str, str]]:
    rendered = []
    for name, value in facts.items():
        if name in _HIDDEN or value is None or value == "":
            continue
        label = _LABELS.get(name, name.replace("_", " ").capitalize())
        rendered.append({"title": label, "value": escape_card_text(_text(value))})
    return rendered


def _verdict(facts: dict[str, Any]) -> dict[str, Any] | None:
    """'MLScore 0.812 >= threshold 0.700' in the colour of the outcome, when both numbers are known."""
    score, threshold = facts.get("ml_score"), facts.get("threshold")
    if not isinstance(score, int | float) or not isinstance(threshold, int | float):
        return None
    passed = score >= threshold
    return {
        "type": "TextBlock",
        "text": f"MLScore {score:.3f} {'>=' if passed else '<'} threshold {threshold:.3f}",
        "color": "Good" if passed else "Attention",
        "weight": "Bolder",
        "wrap": True,
    }


def _metric_table(metrics: dict[str, Any], weights: dict[str, Any]) -> dict[str, Any]:
    """Metric | score | weight, one ColumnSet row each (the Table element needs schema 1.5)."""
    rows = [("Metric", "Score", "Weight", True)]
    rows += [(name, _score(value), _score(weights.get(name)), False) for name, value in metrics.items()]
    return {
        "type": "Container",
        "separator": True,
        "items": [
            {
                "type": "ColumnSet",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch" if index == 0 else "auto",
                        "items": [{"type": "TextBlock", "text": cell, "weight": "Bolder" if header else "Default"}],
                    }
                    for index, cell in enumerate(cells)
                ],
            }
            for *cells, header in rows
        ],
    }


def _actions(links: CardLinks) -> list[dict[str, Any]]:
    buttons = [
        ("Approve", links.approve_url, "positive"),
        ("Reject", links.reject_url, "destructive"),
        ("Open run", links.run_url, "default"),
        ("Open in Azure ML Studio", links.studio_url, "default"),
    ]
    return [{"type": "Action.OpenUrl", "title": t, "url": url, "style": s} for t, url, s in buttons if url]


def _score(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.3f}"


def _text(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
