"""Interleaved pairs: the harness that makes a benchmark ratio survive a noisy, shared machine.

Each pair runs both sides back to back (their order alternating pair by pair, when the sides allow it),
so a change in machine load hits both; the result is the median of the per-pair ratios, with their
spread (min-max and IQR) and the 1-minute load average before and after every pair. A spread too wide
to trust is a refusal to report, not a number.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Side = Callable[[], dict[str, Any]]
MIN_PAIRS = 5


class SpreadTooWide(RuntimeError):
    """The per-pair ratios disagree too much for their median to be a result."""


@dataclass(frozen=True)
class Pair:
    """One pair: each side's measurement, their ratio and the load around them."""

    results: dict[str, dict[str, Any]]
    ratio: float
    load_before: float
    load_after: float


@dataclass(frozen=True)
class Summary:
    """Median ratio of the pairs with its spread and the load range they ran at."""

    median: float
    low: float
    high: float
    q1: float
    q3: float
    load_low: float
    load_high: float

    @property
    def iqr_relative(self) -> float:
        """The interquartile range as a share of the median: the spread a refusal is based on."""
        return (self.q3 - self.q1) / self.median

    def line(self, what: str) -> str:
        return (
            f"{what} median {self.median:.2f}x  min-max {self.low:.2f}-{self.high:.2f}  "
            f"IQR {self.q1:.2f}-{self.q3:.2f} ({self.iqr_relative:.0%} of the median)  "
            f"load {self.load_low:.1f}-{self.load_high:.1f}"
        )

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high, "q1": self.q1, "q3": self.q3,
                "iqr_relative": self.iqr_relative, "load_min": self.load_low, "load_max": self.load_high}  # fmt: skip


def load_average() -> float:
    """The 1-minute load average (what other work the machine is doing)."""
    return os.getloadavg()[0]


def run_pairs(
    count: int,
    sides: Mapping[str, Side],
    ratio: Callable[[dict[str, dict[str, Any]]], float],
    *,
    alternate: bool = True,
    load: Callable[[], float] = load_average,
    on_pair: Callable[[Pair], None] = lambda pair: None,
) -> list[Pair]:
    """Run ``count`` pairs of ``sides``; with ``alternate`` every other pair runs them in reverse order."""
    if count < MIN_PAIRS:
        raise ValueError(f"pairs must be at least {MIN_PAIRS}, got {count}")
    names = list(sides)
    pairs = []
    for index in range(count):
        order = names[::-1] if alternate and index % 2 else names
        before = load()
        results = {name: sides[name]() for name in order}
        pair = Pair(results, ratio(results), before, load())
        on_pair(pair)
        pairs.append(pair)
    return pairs


def summarize(pairs: list[Pair]) -> Summary:
    """The median ratio, min-max, quartiles (inclusive method) and load range of ``pairs``."""
    ratios = sorted(pair.ratio for pair in pairs)
    q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    loads = [value for pair in pairs for value in (pair.load_before, pair.load_after)]
    return Summary(statistics.median(ratios), ratios[0], ratios[-1], q1, q3, min(loads), max(loads))


def check_spread(summary: Summary, max_iqr: float) -> None:
    """Raise SpreadTooWide when the IQR exceeds ``max_iqr`` of the median (one outlier pair does not)."""
    if summary.iqr_relative > max_iqr:
        raise SpreadTooWide(
            f"refusing to report: the ratios' IQR is {summary.iqr_relative:.0%} of the median "
            f"(limit {max_iqr:.0%}; min-max {summary.low:.2f}-{summary.high:.2f}) at load "
            f"{summary.load_low:.1f}-{summary.load_high:.1f}; rerun on a quieter machine or with more pairs"
        )


def record_if_steady(summary: Summary, max_iqr: float, report: Mapping[str, Any], results: Path) -> bool:
    """Write ``report`` to ``results`` unless the spread is too wide (then say why on stderr: nothing written)."""
    try:
        check_spread(summary, max_iqr)
    except SpreadTooWide as refused:
        print(refused, file=sys.stderr)
        return False
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return True
