"""The gate's champion rule: MLflow's MetricThreshold semantics, judged on the 95 % interval of the paired
difference rather than on one point estimate.

threshold: the candidate's value must reach it (>= when greater is better, <= otherwise).
min_absolute_change: the candidate - champion difference must exceed it with 95 % confidence (the interval's
  lower bound > it; greater_is_better false: the upper bound < -it). Unlike MLflow it may be negative:
  -0.02 reads "not worse than the champion by more than 0.02".
min_relative_change: the same, relative to the champion's value.
No champion, or none scored on this eval set version: the rule does not apply (the threshold alone gates).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ChampionRule:
    metric: str = "ml_score"
    threshold: float | None = None
    min_absolute_change: float | None = None
    min_relative_change: float | None = None
    greater_is_better: bool = True

    def __post_init__(self) -> None:
        if self.threshold is None and self.min_absolute_change is None and self.min_relative_change is None:
            raise ValueError("a champion rule needs threshold, min_absolute_change or min_relative_change")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ChampionRule:
        """The rule from its JSON form; unknown keys or a wrong type are ValueError naming them."""
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown champion rule keys: {', '.join(sorted(unknown))}")
        for name in ("threshold", "min_absolute_change", "min_relative_change"):
            value = values.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ValueError(f"champion rule {name} must be a number")
        if not isinstance(values.get("greater_is_better", True), bool):
            raise ValueError("champion rule greater_is_better must be true or false")
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def check(self, comparison: Mapping[str, Any]) -> tuple[bool, str | None]:
        """(passed, reason with the numbers when it fails); passes when no comparison could be made."""
        if comparison.get("status") != "compared":
            return True, None
        side = comparison["ml_score"] if self.metric == "ml_score" else comparison["metrics"].get(self.metric)
        if side is None or side.get("pairs", 0) == 0:
            return True, None
        failures = [problem for problem in self._problems(side) if problem]
        if not failures:
            return True, None
        return False, f"champion rule on {self.metric}: " + "; ".join(failures)

    def _problems(self, side: Mapping[str, Any]) -> list[str | None]:
        sign = 1.0 if self.greater_is_better else -1.0
        # the bound that must clear the bar: the worst case for the candidate at 95 %
        bound = side["low"] if self.greater_is_better else side["high"]
        champion, value = float(side["champion"]), float(side["candidate"])
        ci = f"{side['diff']:+.3f} (95 % CI {side['low']:+.3f}…{side['high']:+.3f})"
        problems: list[str | None] = []
        if self.threshold is not None and sign * (value - self.threshold) < 0:
            problems.append(f"{value:.3f} {'<' if self.greater_is_better else '>'} threshold {self.threshold}")
        if self.min_absolute_change is not None and not sign * bound > self.min_absolute_change:
            problems.append(
                f"change vs champion {champion:.3f} is {ci}, not beyond {sign * self.min_absolute_change:+.3f}"
            )
        if self.min_relative_change is not None:
            relative = sign * bound / abs(champion) if champion else math.copysign(math.inf, sign * bound) * bool(bound)
            if not relative > self.min_relative_change:
                problems.append(
                    f"relative change vs champion {champion:.3f} is {ci} (bound {sign * relative:+.1%}), "
                    f"not beyond {sign * self.min_relative_change:+.1%}"
                )
        return problems
