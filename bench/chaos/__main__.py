"""``python -m bench.chaos --runs 20 --faults 30 --seed 7``: release runs under faults, then the invariants.

Faults: SIGKILL of devhost (restarted on the same state), restarts of the embedded PostgreSQL and of the
broker, and activity exceptions raised after the activity's work is done (FAULT_INJECTION, at most once
per call). The plan is seeded and printed. The last line reads ``N runs, F faults, L lost, D duplicate
effects``; the exit status is 1 unless L and D are 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.chaos.driver import execute, headers, prepare, run_view, settle
from bench.chaos.invariants import observe
from bench.chaos.processes import Stack
from bench.chaos.schedule import plan


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--faults", type=int, default=30, help="process faults (activity exceptions come on top)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--activity-fault-rate", type=float, default=0.1)
    parser.add_argument("--spread", type=float, default=0.0, help="seconds over which runs start (default 6 s/run)")
    parser.add_argument("--settle", type=float, default=1800.0, help="seconds to wait for runs to settle")
    parser.add_argument("--state", type=Path, default=None, help="state directory (default: a temporary one)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    state = (args.state or Path(tempfile.mkdtemp(prefix="chaos-"))).resolve()
    steps = plan(args.runs, args.faults, args.seed, args.spread or 6.0 * args.runs)
    print(f"chaos: {args.runs} runs, {args.faults} process faults, seed {args.seed}, state {state}")
    print(f"machine: {os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("plan:", *(f"  {s.describe()}" for s in steps), sep="\n", flush=True)
    faults_dir = state / "activity-faults"
    stack = Stack(state)
    settings = {
        "SERVICEBUS_TOPIC": "mlops-events",
        "HF_HUB_OFFLINE": "1",
        "TRAINING_MAX_STEPS": "2",
        "TRAINING_TIMEOUT_MINUTES": "30",
        "TRAINING_POLL_MINUTES": "1",
        "PENDING_SWEEP_MINUTES": "1",
        "FAULT_INJECTION": f"rate={args.activity_fault_rate},seed={args.seed},dir={faults_dir}",
    }
    began = time.monotonic()
    try:
        stack.start(settings)
        model = prepare(stack, state / "models")
        runs, struck = execute(stack, steps, model)
        done = settle(stack, runs, args.settle)
        auth = headers(stack)
        seen = observe({r: run_view(stack, auth, r) for r in runs}, stack.origin, stack.env)
    finally:
        stack.stop()
    injected = len(list(faults_dir.iterdir())) if faults_dir.exists() else 0
    faults = sum(struck.values()) + injected
    print(f"\nsettled: {done} after {time.monotonic() - began:.0f} s; load {os.getloadavg()[0]:.2f}")
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(struck.items()))
    print(f"faults: {kinds}, activity exceptions {injected}\n")
    print("\n".join(seen.table()))
    for run, reason in sorted(seen.failures.items()):
        print(f"failed {run}: {reason}")
    print(f"\n{len(runs)} runs, {faults} faults, {seen.lost} lost, {seen.duplicates} duplicate effects")
    return 0 if seen.lost == 0 and seen.duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
