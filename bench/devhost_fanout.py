"""devhost fan-out scaling: wall time of a fan-out/fan-in of N activities through the management API.

`.venv/bin/python -m bench.devhost_fanout` runs the fidelity app's `fan_out_fan_in` orchestrator
(tests/devhost/apps/patterns) for N = 100 and N = 1000 on two in-process devhosts side by side: one as
shipped (episodes paced, devhost/durable/pacing.py) and one with pacing off (max hold 0: an episode per
arrival, as before). Sizes and hosts are interleaved, --repeats times each. Goal (issue 15): the
1,000-activity median within 2 × 10 × the 100-activity median. Writes bench/results/devhost_fanout.json.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

import httpx

from devhost.durable import scheduler
from devhost.durable.pacing import EpisodePacing
from tests.fixtures.devhost import RunningDevHost, run_devhost

APP = Path(__file__).resolve().parents[1] / "tests" / "devhost" / "apps" / "patterns"
RESULTS = Path(__file__).resolve().parent / "results" / "devhost_fanout.json"
HOOK = "/runtime/webhooks/durabletask"


def fan_out(base_url: str, count: int, timeout: float = 600.0) -> float:
    """Seconds from the start request until the instance reads Completed with the right sum."""
    began = time.perf_counter()
    reply = httpx.post(f"{base_url}{HOOK}/orchestrators/fan_out_fan_in", json=json.dumps(count), timeout=30)
    reply.raise_for_status()
    status_uri = reply.json()["statusQueryGetUri"]
    while time.perf_counter() - began < timeout:
        status = httpx.get(status_uri, timeout=30).json()
        if status["runtimeStatus"] == "Completed":
            elapsed = time.perf_counter() - began
            assert status["output"] == sum(n * n for n in range(count)), status
            return elapsed
        if status["runtimeStatus"] not in ("Pending", "Running"):
            raise RuntimeError(f"fan-out of {count} ended {status['runtimeStatus']}: {status['output']}")
        time.sleep(0.02)
    raise TimeoutError(f"fan-out of {count} did not finish in {timeout} s")


def start_host(stack: contextlib.ExitStack, paced: bool) -> RunningDevHost:
    """A devhost on its own state dir; unpaced: every arrival starts an episode (max hold 0)."""
    state = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    pacing = EpisodePacing if paced else functools.partial(EpisodePacing, max_hold_s=0.0)
    with mock.patch.object(scheduler, "EpisodePacing", pacing):  # read once, when the engine is built
        return stack.enter_context(run_devhost(APP, state_dir=state, broker=False))


def summary(times: dict[int, list[float]], small: int, large: int) -> dict[str, object]:
    medians = {n: statistics.median(t) for n, t in times.items()}
    return {
        "seconds": {str(n): t for n, t in times.items()},
        "median_s": {str(n): m for n, m in medians.items()},
        "spread_s": {str(n): [min(t), max(t)] for n, t in times.items()},
        "ratio_large_to_small": medians[large] / medians[small],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.devhost_fanout", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs=2, default=(100, 1000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    small, large = args.sizes
    modes = ("paced", "unpaced")
    times: dict[str, dict[int, list[float]]] = {mode: {small: [], large: []} for mode in modes}
    loads: list[float] = []
    with contextlib.ExitStack() as stack:
        hosts = {mode: start_host(stack, mode == "paced") for mode in modes}
        for host in hosts.values():
            fan_out(host.base_url, 10)  # warm-up: imports, first episode
        for _ in range(args.repeats):
            for count in (small, large):
                for mode in modes:
                    loads.append(os.getloadavg()[0])
                    times[mode][count].append(fan_out(hosts[mode].base_url, count))
                    print(f"{mode} N={count}: {times[mode][count][-1]:.2f} s (load {loads[-1]:.1f})", flush=True)
    budget = 2 * (large / small)
    report: dict[str, object] = {mode: summary(times[mode], small, large) for mode in modes}
    paced = statistics.median(times["paced"][large]) / statistics.median(times["paced"][small])
    report.update(
        sizes=[small, large],
        budget_ratio=budget,
        meets_goal=paced <= budget,
        load_average_1m=[min(loads), max(loads)],
        cpus=os.cpu_count(),
    )
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if paced <= budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
