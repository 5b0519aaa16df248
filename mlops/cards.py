"""Adaptive Cards (schema 1.4) for run milestones: one template per kind, same JSON for Teams and the UI."""

from __future__ import annotations

from typing import Any

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

_TITLES = {
    "approval_requested": ("Model ready for approval", "accent"),
    "rejected": ("Model rejected", "attention"),
    "go_prod": ("Model approved for production", "good"),
    "expired": ("Approval window expired", "warning"),
    "failed": ("Release run failed", "attention"),
}


def render_card(kind: str, run_id: str, facts: dict[str, Any], run_url: str) -> dict[str, Any]:
    """Build the card for ``kind``; unknown kinds raise ValueError."""
    if kind not in _TITLES:
        raise ValueError(f"unknown card kind {kind!r}; expected one of {sorted(_TITLES)}")
    title, style = _TITLES[kind]
    body: list[dict[str, Any]] = [
        {
            "type": "Container",
            "style": style,
            "items": [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Large", "wrap": True}],
        },
        {"type": "FactSet", "facts": [{"title": "Run", "value": run_id}, *_facts(facts)]},
    ]
    metrics = facts.get("metrics")
    if isinstance(metrics, dict) and metrics:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": name, "value": "n/a" if value is None else f"{value:.3f}"}
                    for name, value in metrics.items()
                ],
            }
        )
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Open run", "url": run_url}],
    }


def _facts(facts: dict[str, Any]) -> list[dict[str, str]]:
    rendered = []
    for name, value in facts.items():
        if name == "metrics" or value is None:
            continue
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        rendered.append({"title": name.replace("_", " ").capitalize(), "value": text})
    return rendered
