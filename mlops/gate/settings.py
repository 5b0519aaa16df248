"""The gate policy from app settings (GATE_*; APPROVALS_REQUIRED is read by mlops.settings, which wraps the errors)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from mlops.gate.champion import ChampionRule
from mlops.gate.policy import GatePolicy, default_profiles


class GateSettingsError(ValueError):
    """A GATE_* setting is malformed; the message names it."""


def gate_policy_from_env(values: Mapping[str, str], approvals_required: int = 1) -> GatePolicy:
    """GATE_THRESHOLD_FLOOR (0.7), GATE_WEIGHT_PROFILES (JSON {name: {metric: weight}}; empty: built-in),
    GATE_DEFAULT_PROFILE (default), GATE_ALLOW_CUSTOM_WEIGHTS (false), GATE_CHAMPION_RULE (JSON
    {metric, threshold, min_absolute_change, min_relative_change, greater_is_better}; empty: off);
    N approvals as settings read it."""
    floor = _number("GATE_THRESHOLD_FLOOR", values.get("GATE_THRESHOLD_FLOOR"), 0.7)
    if not 0.0 <= floor <= 1.0:
        raise GateSettingsError(f"setting GATE_THRESHOLD_FLOOR must lie in [0, 1], got {floor}")
    allow = (values.get("GATE_ALLOW_CUSTOM_WEIGHTS") or "false").strip().lower()
    if allow not in {"true", "false"}:
        raise GateSettingsError(f"setting GATE_ALLOW_CUSTOM_WEIGHTS must be true or false, got {allow!r}")
    champion_rule = _champion_rule(values.get("GATE_CHAMPION_RULE") or "")
    try:
        return GatePolicy(
            threshold_floor=floor,
            profiles=_profiles(values.get("GATE_WEIGHT_PROFILES") or ""),
            default_profile=values.get("GATE_DEFAULT_PROFILE") or "default",
            allow_custom_weights=allow == "true",
            approvals_required=approvals_required,
            champion_rule=champion_rule,
        )
    except ValueError as exc:
        raise GateSettingsError(f"gate policy (GATE_*): {exc}") from exc


def _number(name: str, raw: str | None, default: float) -> float:
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise GateSettingsError(f"setting {name} must be a number, got {raw!r}") from exc


def _profiles(raw: str) -> dict[str, dict[str, float]]:
    if not raw.strip():
        return default_profiles()
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GateSettingsError(f"setting GATE_WEIGHT_PROFILES is not JSON: {exc.msg}") from exc
    if not isinstance(parsed, dict) or not parsed or not all(isinstance(w, dict) for w in parsed.values()):
        raise GateSettingsError("setting GATE_WEIGHT_PROFILES must be a JSON object {profile: {metric: weight}}")
    return {str(name): dict(weights) for name, weights in parsed.items()}


def _champion_rule(raw: str) -> ChampionRule | None:
    if not raw.strip():
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GateSettingsError(f"setting GATE_CHAMPION_RULE is not JSON: {exc.msg}") from exc
    if not isinstance(parsed, dict):
        raise GateSettingsError("setting GATE_CHAMPION_RULE must be a JSON object")
    try:
        return ChampionRule.from_mapping(parsed)
    except (TypeError, ValueError) as exc:
        raise GateSettingsError(f"setting GATE_CHAMPION_RULE: {exc}") from exc
