"""bench.pairs: interleaving order, the median and spread of the ratios, and the refusal to report."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from bench.pairs import Pair, SpreadTooWide, check_spread, record_if_steady, run_pairs, summarize


def _pairs(ratios: list[float], loads: list[float] | None = None) -> list[Pair]:
    loads = loads or [1.0] * len(ratios)
    return [Pair({}, ratio, load, load + 0.5) for ratio, load in zip(ratios, loads, strict=True)]


def test_sides_alternate_order_pair_by_pair() -> None:
    calls: list[str] = []

    def side(name: str) -> Any:
        def measure() -> dict[str, Any]:
            calls.append(name)
            return {}

        return measure

    run_pairs(5, {"a": side("a"), "b": side("b")}, lambda results: 1.0)
    assert calls == ["a", "b", "b", "a", "a", "b", "b", "a", "a", "b"]


def test_sides_keep_their_order_when_they_cannot_alternate() -> None:
    calls: list[str] = []

    def side(name: str) -> Any:
        def measure() -> dict[str, Any]:
            calls.append(name)
            return {}

        return measure

    run_pairs(5, {"cold": side("cold"), "warm": side("warm")}, lambda results: 1.0, alternate=False)
    assert calls == ["cold", "warm"] * 5


def test_each_pair_records_its_ratio_and_the_load_around_it() -> None:
    loads = itertools.count(1.0)
    values = iter([2.0, 1.0, 4.0, 2.0, 6.0, 3.0, 8.0, 4.0, 10.0, 5.0])
    pairs = run_pairs(5, {"ours": lambda: {"v": next(values)}, "base": lambda: {"v": next(values)}},
                      lambda r: r["ours"]["v"] / r["base"]["v"], load=lambda: next(loads))  # fmt: skip
    assert [p.load_before for p in pairs] == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert [p.load_after for p in pairs] == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert [p.ratio for p in pairs] == [2.0, 0.5, 2.0, 0.5, 2.0]  # pairs 2 and 4 ran "base" first


def test_fewer_than_five_pairs_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        run_pairs(4, {"a": dict}, lambda results: 1.0)


def test_summary_is_the_median_with_min_max_quartiles_and_load_range() -> None:
    summary = summarize(_pairs([1.5, 1.2, 9.0, 1.4, 1.3], loads=[0.2, 3.0, 1.0, 0.4, 0.5]))
    assert summary.median == 1.4  # the outlier 9.0 does not move it
    assert (summary.low, summary.high) == (1.2, 9.0)
    assert (summary.q1, summary.q3) == pytest.approx((1.3, 1.5))
    assert summary.iqr_relative == pytest.approx(0.2 / 1.4)
    assert (summary.load_low, summary.load_high) == (0.2, 3.5)


def test_one_outlier_pair_is_reported() -> None:
    check_spread(summarize(_pairs([1.50, 1.52, 1.49, 1.51, 3.0])), max_iqr=0.1)


def test_wide_spread_is_refused_with_the_numbers() -> None:
    summary = summarize(_pairs([1.0, 1.6, 1.2, 2.0, 1.4]))
    with pytest.raises(SpreadTooWide, match=r"IQR is 29% of the median \(limit 15%; min-max 1.00-2.00\)"):
        check_spread(summary, max_iqr=0.15)


def test_a_steady_result_is_recorded_and_a_refused_one_writes_nothing(tmp_path: Path) -> None:
    steady, wide = tmp_path / "steady.json", tmp_path / "wide.json"
    assert record_if_steady(summarize(_pairs([1.50, 1.52, 1.49, 1.51, 1.5])), 0.1, {"median": 1.5}, steady)
    assert json.loads(steady.read_text()) == {"median": 1.5}
    assert not record_if_steady(summarize(_pairs([1.0, 1.6, 1.2, 2.0, 1.4])), 0.15, {"median": 1.4}, wide)
    assert not wide.exists()
