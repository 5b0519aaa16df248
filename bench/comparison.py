"""Benchmark: what the comparison against the champion costs, for 40 and 2,000 eval rows.

For each size, in one invocation, interleaved repeats of (a) the baseline, the MLScore alone from the
stored per-sample scores (what the fan-in computed before issue 16), and (b) the full comparison: paired
bootstrap (10,000 resamples) over the per-sample MLScore, each of 5 metrics and 3 domains, plus the
regressions. Prints the median wall time of each, the spread, the ratio (b)/(a), the load average, and the
judge calls the comparison made (it is handed stored scores only and builds no judge: 0).
Run: .venv/bin/python -m bench.comparison [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from mlops.evaluation import MetricWeights, compute_ml_score
from mlops.evaluation.comparison import compare
from mlops.store import SampleScore

METRICS = ("exact_match", "semantic_similarity", "rouge_l", "string_similarity", "bleu")
DOMAINS = ("rag_qa", "medical", "legal")
REF = {"model": "bench-ft v1", "name": "bench-ft", "version": "1", "run_id": "bench", "eval_sha256": "bench"}


def samples(rows: int, shift: float, seed: int) -> list[SampleScore]:
    """Per-sample scores in [0, 1] with a row difficulty both sides share (seeded: the same for each run)."""
    rng = random.Random(seed)
    out = []
    for idx in range(rows):
        base = random.Random(idx).uniform(0.2, 0.9)
        scores: dict[str, float | None] = {m: min(1.0, max(0.0, base + shift + rng.gauss(0, 0.1))) for m in METRICS}
        out.append(SampleScore(idx, f"q{idx}", f"r{idx}", f"a{idx}-{seed}", scores, None))
    return out


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    weights = MetricWeights().as_dict()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    for rows in (40, 2_000):
        candidate, champion = samples(rows, 0.03, 1), samples(rows, 0.0, 2)
        domains = [DOMAINS[i % len(DOMAINS)] for i in range(rows)]

        baseline = partial(compute_ml_score, [s.scores for s in candidate], MetricWeights())
        comparison = partial(compare, candidate, champion, weights, REF, domains)
        timed(baseline), timed(comparison)  # warm-up (imports, BLAS threads), untimed
        a, b = [], []
        for _ in range(args.repeats):
            a.append(timed(baseline))
            b.append(timed(comparison))
        result = compare(candidate, champion, weights, REF, domains)
        ma, mb = statistics.median(a), statistics.median(b)
        print(
            f"{rows:>5} rows: (a) MLScore alone {ma * 1000:.1f} ms ({min(a) * 1000:.1f}-{max(a) * 1000:.1f}); "
            f"(b) comparison {mb * 1000:.0f} ms ({min(b) * 1000:.0f}-{max(b) * 1000:.0f}); "
            f"(b)/(a) {mb / ma:.0f}x; judge calls 0; load {os.getloadavg()[0]:.1f}"
        )
        print(f"       {result['summary']}")


if __name__ == "__main__":
    main()
