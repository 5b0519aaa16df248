"""What a run is held to: a threshold floor, named weight profiles, custom weights or not, N approvals.

The requester picks a profile (or, where the policy allows, their own weights) and may raise the bar,
never lower it. The policy is versioned by its content hash and recorded on each run, so a card and
an auditor can tell which rules a decision was taken under.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlops.evaluation import MetricWeights
from mlops.evaluation.errors import InvalidWeights
from mlops.evaluation.mlscore import ANSWER_INDEPENDENT_METRICS
from mlops.gate.champion import ChampionRule

CUSTOM_PROFILE = "custom"


class PolicyViolation(ValueError):
    """The request asks for something the policy refuses; ``fields`` names each offending field."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class GateChoice:
    """What a run will be held to: its threshold, weights and the profile they came from."""

    threshold: float
    weights: dict[str, float]
    profile: str


def default_profiles() -> dict[str, dict[str, float]]:
    """The built-in profiles: the LLM-free answer metrics, and the judge's mix (needs AZURE_AI_ENDPOINT)."""
    return {"default": MetricWeights().as_dict(), "judge": MetricWeights.judge_defaults().as_dict()}


@dataclass(frozen=True)
class GatePolicy:
    threshold_floor: float = 0.7
    profiles: Mapping[str, Mapping[str, float]] = field(default_factory=default_profiles)
    default_profile: str = "default"
    allow_custom_weights: bool = False
    approvals_required: int = 1
    champion_rule: ChampionRule | None = None  # None: the threshold alone gates (the hash is as before)

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold_floor <= 1.0:
            raise ValueError(f"threshold floor must lie in [0, 1], got {self.threshold_floor}")
        if self.default_profile not in self.profiles:
            raise ValueError(f"default profile {self.default_profile!r} is not one of {sorted(self.profiles)}")
        if CUSTOM_PROFILE in self.profiles:
            raise ValueError(f"{CUSTOM_PROFILE!r} is reserved for a requester's own weights")
        if self.approvals_required < 1:
            raise ValueError(f"approvals required must be >= 1, got {self.approvals_required}")
        for name, weights in self.profiles.items():
            problems = _weight_problems(weights)
            if problems:
                raise ValueError(f"profile {name!r}: {'; '.join(problems.values())}")

    @property
    def version(self) -> str:
        """``gp-`` and the first 12 hex digits of the SHA-256 of the policy's canonical JSON."""
        content = json.dumps(self._content(), sort_keys=True, separators=(",", ":"))
        return "gp-" + hashlib.sha256(content.encode()).hexdigest()[:12]

    def snapshot(self) -> dict[str, Any]:
        """The policy as recorded on a run: its content and version."""
        return {**self._content(), "version": self.version}

    def choose(self, threshold: float | None, profile: str | None, weights: Mapping[str, float] | None) -> GateChoice:
        """The run's bar; PolicyViolation naming ml_score_threshold, weight_profile or metric_weights.*."""
        problems: dict[str, str] = {}
        bar = self.threshold_floor if threshold is None else threshold
        if bar < self.threshold_floor:
            problems["ml_score_threshold"] = (
                f"{bar} is below the gate policy's floor {self.threshold_floor} (policy {self.version})"
            )
        if profile is not None and weights is not None:
            problems["weight_profile"] = "give weight_profile or metric_weights, not both"
        elif profile is not None and profile not in self.profiles:
            problems["weight_profile"] = f"unknown profile; the policy offers {', '.join(sorted(self.profiles))}"
        chosen, name = self._weights(profile, weights, problems)
        if problems:
            raise PolicyViolation(problems)
        return GateChoice(bar, chosen, name)

    def _weights(
        self, profile: str | None, weights: Mapping[str, float] | None, problems: dict[str, str]
    ) -> tuple[dict[str, float], str]:
        if weights is None:
            name = profile if profile is not None and profile in self.profiles else self.default_profile
            return MetricWeights.from_mapping(self.profiles[name]).as_dict(), name
        full = MetricWeights.from_mapping(weights).as_dict()
        for name, profile_weights in self.profiles.items():
            if MetricWeights.from_mapping(profile_weights).as_dict() == full:
                return full, name  # the profile's own weights, spelled out (what the UI sends)
        refused = _weight_problems(full)
        if refused:  # each metric named, and the field itself for clients that show one message per field
            problems.update(refused)
            problems.setdefault("metric_weights", "the gate policy refuses " + ", ".join(sorted(refused)))
        if not self.allow_custom_weights:
            problems.setdefault(
                "metric_weights",
                f"custom weights are not allowed by the gate policy ({self.version}); "
                f"choose weight_profile: {', '.join(sorted(self.profiles))}",
            )
        return full, CUSTOM_PROFILE

    def _content(self) -> dict[str, Any]:
        return {
            "threshold_floor": self.threshold_floor,
            "profiles": {name: _positive(weights) for name, weights in sorted(self.profiles.items())},
            "default_profile": self.default_profile,
            "allow_custom_weights": self.allow_custom_weights,
            "approvals_required": self.approvals_required,
        } | ({} if self.champion_rule is None else {"champion_rule": self.champion_rule.as_dict()})


def _positive(weights: Mapping[str, float]) -> dict[str, float]:
    return {name: float(value) for name, value in sorted(weights.items()) if value > 0}


def _weight_problems(weights: Mapping[str, float]) -> dict[str, str]:
    """Weights no policy accepts: unknown metrics, and any weight on a metric that does not read the
    model's answer (it scores the retriever, the same for every model: weighting it games the gate)."""
    try:
        full = MetricWeights.from_mapping(weights).as_dict()
    except InvalidWeights as exc:
        return {f"metric_weights.{exc.field}" if exc.field != "*" else "metric_weights": str(exc)}
    return {
        f"metric_weights.{name}": f"{name} does not read the model's answer (it scores the retriever): it cannot weigh"
        for name in ANSWER_INDEPENDENT_METRICS
        if full[name] > 0
    }
