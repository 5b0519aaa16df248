"""The shape of GATE_WEIGHT_PROFILES; the GATE_* settings themselves are declared in mlops.settings."""

from __future__ import annotations

from typing import Any


def parse_weight_profiles(parsed: Any) -> dict[str, dict[str, float]]:
    """The profiles of a parsed GATE_WEIGHT_PROFILES, or ValueError when it is not ``{profile: {metric: weight}}``."""
    if not isinstance(parsed, dict) or not parsed or not all(isinstance(w, dict) for w in parsed.values()):
        raise ValueError("must be a JSON object {profile: {metric: weight}}")
    return {str(name): dict(weights) for name, weights in parsed.items()}
