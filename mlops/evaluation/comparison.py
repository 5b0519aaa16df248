"""The candidate against the champion on the same eval rows: MLScore and each metric's paired difference
with its 95 % interval, the answers that got worse (both answers shown), and a per-domain breakdown.

Both sides are re-weighted with the same weights (the candidate's, or a what-if's), so a champion scored
under other weights is compared like for like; only stored per-sample scores are read (no judge call).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from mlops.evaluation.bootstrap import CONFIDENCE, RESAMPLES, SEED, Interval, interval, resample_counts
from mlops.insight_views import sample_score
from mlops.store import SampleScore

REGRESSIONS = 5


def first_model() -> dict[str, Any]:
    """No champion under this registered name yet: the gate uses the threshold alone."""
    return {"status": "first_model", "summary": "first model: no champion in production yet"}


def not_comparable(champion: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """A champion exists but has no per-sample scores on this eval set version."""
    return {
        "status": "not_comparable",
        "champion": dict(champion),
        "reason": reason,
        "summary": f"not compared: {reason}",
    }


def compare(
    candidate: Sequence[SampleScore],
    champion: Sequence[SampleScore],
    weights: Mapping[str, float],
    champion_ref: Mapping[str, Any],
    domains: Sequence[str],
) -> dict[str, Any]:
    """The comparison as stored on the run and shown by the API (rows paired by their eval-set index)."""
    theirs = {s.idx: s for s in champion}
    pairs = [(s, theirs[s.idx]) for s in candidate if s.idx in theirs]
    counts = resample_counts(len(pairs)) if pairs else None
    mine = [sample_score(a.scores, weights) for a, _ in pairs]
    base = [sample_score(b.scores, weights) for _, b in pairs]
    headline = _side(mine, base, counts)
    metrics = sorted({name for a, b in pairs for name in a.scores if name in b.scores})
    per_metric = {
        name: _side([a.scores.get(name) for a, _ in pairs], [b.scores.get(name) for _, b in pairs], counts)
        for name in metrics
    }
    worse = [i for i, (m, b) in enumerate(zip(mine, base, strict=True)) if m is not None and b is not None and m < b]
    result = {
        "status": "compared",
        "champion": dict(champion_ref),
        "ml_score": headline,
        "metrics": per_metric,
        "better": sum(1 for m, b in zip(mine, base, strict=True) if m is not None and b is not None and m > b),
        "worse": len(worse),
        "regressions": _regressions(pairs, mine, base, worse),
        "domains": _domains(pairs, mine, base, domains),
        "resamples": RESAMPLES,
        "confidence": CONFIDENCE,
        "seed": SEED,
    }
    return {**result, "summary": summary(result)}


def summary(comparison: Mapping[str, Any]) -> str:
    """'0.910 vs 0.880 in production (+0.030, 95 % CI +0.010…+0.050), 4 answers worse'."""
    if comparison.get("status") != "compared":
        return str(comparison.get("summary", ""))
    score = comparison["ml_score"]
    if score["pairs"] == 0:
        return "no eval row scored by both models"
    worse = comparison["worse"]
    return (
        f"{score['candidate']:.3f} vs {score['champion']:.3f} in production ({score['diff']:+.3f}, "
        f"{comparison['confidence']:.0%} CI {score['low']:+.3f}…{score['high']:+.3f}), "
        f"{worse} answer{'' if worse == 1 else 's'} worse".replace("%", " %")
    )


def _side(mine: list[float | None], base: list[float | None], counts: Any) -> dict[str, Any]:
    """Both means over the rows both scored, and the paired Interval of their difference."""
    both = [(m, b) for m, b in zip(mine, base, strict=True) if m is not None and b is not None]
    if not both or counts is None:
        return {
            "candidate": None,
            "champion": None,
            "diff": None,
            "low": None,
            "high": None,
            "p_better": None,
            "pairs": 0,
        }
    found: Interval = interval(mine, base, counts)
    means = {"candidate": sum(m for m, _ in both) / len(both), "champion": sum(b for _, b in both) / len(both)}
    return {**means, **asdict(found)}


def _regressions(
    pairs: list[tuple[SampleScore, SampleScore]], mine: list[float | None], base: list[float | None], worse: list[int]
) -> list[dict[str, Any]]:
    """The rows that lost the most, both answers side by side."""
    ranked = sorted(worse, key=lambda i: (float(mine[i] or 0.0) - float(base[i] or 0.0), pairs[i][0].idx))
    return [
        {
            "idx": pairs[i][0].idx,
            "question": pairs[i][0].question,
            "reference": pairs[i][0].reference,
            "candidate_response": pairs[i][0].response,
            "champion_response": pairs[i][1].response,
            "candidate_score": mine[i],
            "champion_score": base[i],
            "diff": float(mine[i] or 0.0) - float(base[i] or 0.0),
        }
        for i in ranked[:REGRESSIONS]
    ]


def _domains(
    pairs: list[tuple[SampleScore, SampleScore]],
    mine: list[float | None],
    base: list[float | None],
    domains: Sequence[str],
) -> dict[str, dict[str, Any]]:
    """The MLScore comparison within each domain of the eval rows (its own resamples, seeded the same)."""
    groups: dict[str, list[int]] = {}
    for i, (sample, _) in enumerate(pairs):
        groups.setdefault(domains[sample.idx] if sample.idx < len(domains) else "unknown", []).append(i)
    return {
        name: _side([mine[i] for i in rows], [base[i] for i in rows], resample_counts(len(rows)))
        for name, rows in sorted(groups.items())
    }
