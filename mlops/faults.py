"""Fault injection for the chaos benchmark (``python -m bench.chaos``): off unless FAULT_INJECTION is set.

``FAULT_INJECTION=rate=0.2,seed=7,dir=/path``: after an activity has done its work (its side effects
happened), it raises InjectedFault with probability ``rate``, at most once per (activity, payload): a
marker file in ``dir`` records the fault, so the retry succeeds and the count of faults is the count of
markers. That is the hardest place for a retry: every effect must be found, not repeated.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETTING = "FAULT_INJECTION"


class InjectedFault(RuntimeError):
    """A failure the chaos benchmark asked for."""


@dataclass(frozen=True)
class FaultPlan:
    rate: float
    seed: int
    directory: Path

    @classmethod
    def parse(cls, text: str) -> FaultPlan:
        """``rate=R,seed=S,dir=D``; a missing or bad part raises ValueError naming the setting."""
        try:
            parts = dict(item.split("=", 1) for item in text.split(","))
            return cls(float(parts["rate"]), int(parts["seed"]), Path(parts["dir"]))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"setting {SETTING} must read rate=R,seed=S,dir=D, got {text!r}") from exc

    def strikes(self, activity: str, payload: Any) -> bool:
        """Whether this call fails: decided by the seed and the call, and only the first time."""
        key = hashlib.sha256(f"{activity}:{json.dumps(payload, sort_keys=True)}".encode()).hexdigest()[:20]
        if random.Random(f"{self.seed}:{key}").random() >= self.rate:
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            (self.directory / f"{activity}-{key}").open("x").close()
        except FileExistsError:
            return False
        return True


@functools.cache
def _plan(text: str) -> FaultPlan:
    return FaultPlan.parse(text)


def after_activity(activity: str, payload: Any) -> None:
    """Raise InjectedFault when FAULT_INJECTION is set and picks this call; nothing otherwise."""
    text = os.environ.get(SETTING)
    if text and _plan(text).strikes(activity, payload):
        raise InjectedFault(f"fault injected after {activity} ran")
