"""The paired bootstrap's 95 % interval is right: it covers a known difference in 93-97 % of 1,000 simulated
evaluations, and two identical models get an interval around 0.

Each simulation is a full 10,000-resample bootstrap of its own data; the simulations share the one count
matrix (the resamples do not depend on the data), so all of them are one matrix product.
"""

from __future__ import annotations

import numpy as np

from mlops.evaluation.bootstrap import RESAMPLES, intervals, resample_counts

SIMULATIONS = 1_000
ROWS = 100
TRUE_DIFF = 0.03


def _simulated_scores(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per-row scores in [0, 1]: a row difficulty both models share, plus each model's own noise."""
    difficulty = rng.uniform(0.3, 0.9, size=(SIMULATIONS, ROWS))
    champion = difficulty + rng.normal(0.0, 0.1, size=(SIMULATIONS, ROWS))
    candidate = difficulty + TRUE_DIFF + rng.normal(0.0, 0.1, size=(SIMULATIONS, ROWS))
    return candidate, champion


def test_intervals_cover_the_true_difference_in_93_to_97_percent() -> None:
    candidate, champion = _simulated_scores(np.random.default_rng(7))
    counts = resample_counts(ROWS, RESAMPLES, seed=11)
    _, low, high, _, _ = intervals(candidate, champion, counts)
    coverage = float(np.mean((low <= TRUE_DIFF) & (high >= TRUE_DIFF)))
    assert 0.93 <= coverage <= 0.97, coverage


def test_identical_models_get_an_interval_around_zero() -> None:
    scores = np.random.default_rng(3).uniform(0.0, 1.0, size=ROWS)
    diff, low, high, p_better, pairs = intervals(scores, scores.copy(), resample_counts(ROWS))
    assert (float(diff), float(low), float(high), float(p_better), int(pairs)) == (0.0, 0.0, 0.0, 0.5, ROWS)


def test_identical_in_distribution_models_get_an_interval_containing_zero() -> None:
    rng = np.random.default_rng(5)
    difficulty = rng.uniform(0.3, 0.9, size=ROWS)
    first = difficulty + rng.normal(0.0, 0.1, size=ROWS)
    second = difficulty + rng.normal(0.0, 0.1, size=ROWS)
    _, low, high, _, _ = intervals(first, second, resample_counts(ROWS))
    assert float(low) < 0.0 < float(high)


def test_rows_without_a_score_are_left_out_of_the_pairs() -> None:
    candidate = np.array([1.0, np.nan, 0.5, 0.5])
    champion = np.array([0.0, 0.2, np.nan, 0.5])
    diff, _, _, _, pairs = intervals(candidate, champion, resample_counts(4, 1_000))
    assert (float(diff), int(pairs)) == (0.5, 2)
