"""The seeded plan of a chaos run: when each run starts and when each fault strikes (printed before it runs)."""

from __future__ import annotations

import random
from dataclasses import dataclass

FAULT_KINDS = ("kill_devhost", "restart_postgres", "restart_broker")


@dataclass(frozen=True)
class Step:
    at_s: float
    kind: str  # start_run or one of FAULT_KINDS
    value: float  # start_run: the run's MLScore threshold; a fault: seconds the part stays down

    def describe(self) -> str:
        what = f"threshold {self.value:.1f}" if self.kind == "start_run" else f"down {self.value:.1f} s"
        return f"{self.at_s:7.1f} s  {self.kind:<17} {what}"


def plan(runs: int, faults: int, seed: int, spread_s: float) -> list[Step]:
    """Runs evenly over ``spread_s`` (thresholds 0.7 or 1.0: the gate policy's floor is 0.7); faults at seeded times
    over the same window and a little after, each kind at least once when there are enough faults."""
    rng = random.Random(seed)
    steps = [Step(i * spread_s / runs, "start_run", rng.choice((0.7, 1.0))) for i in range(runs)]
    kinds = [FAULT_KINDS[i % len(FAULT_KINDS)] for i in range(faults)]
    rng.shuffle(kinds)
    steps += [Step(rng.uniform(1.0, spread_s * 1.3), kind, round(rng.uniform(0.2, 3.0), 1)) for kind in kinds]
    return sorted(steps, key=lambda s: (s.at_s, s.kind))
