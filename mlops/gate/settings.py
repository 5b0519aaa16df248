"""The shapes of GATE_WEIGHT_PROFILES and GATE_CHAMPION_RULE; the GATE_* settings are declared in mlops.settings."""

from __future__ import annotations

from typing import Any

from mlops.gate.champion import ChampionRule


def parse_weight_profiles(parsed: Any) -> dict[str, dict[str, float]]:
    """The profiles of a parsed GATE_WEIGHT_PROFILES, or ValueError when it is not ``{profile: {metric: weight}}``."""
    if not isinstance(parsed, dict) or not parsed or not all(isinstance(w, dict) for w in parsed.values()):
        raise ValueError("must be a JSON object {profile: {metric: weight}}")
    return {str(name): dict(weights) for name, weights in parsed.items()}


def parse_champion_rule(parsed: Any) -> ChampionRule:
    """The rule of a parsed GATE_CHAMPION_RULE, or ValueError when it is not a rule's JSON object."""
    if not isinstance(parsed, dict):
        raise ValueError("must be a JSON object {metric, threshold, min_absolute_change, ...}")
    try:
        return ChampionRule.from_mapping(parsed)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
