"""``python -m bench.load --runs 50``: N evaluate runs of the tiny model started at once on devhost, each
approved through the API as soon as it waits, against runs alone measured in the same invocation (after a
warm-up run; ``--singles``, half before the load and half after, their median the baseline).
Each run evaluates its own copy of rag_qa (bench/load/datasets.py), so the judge cache does not answer one
run's prompts with another's verdicts. Approvals go through the API at once, so no durable timer has to
pass and the history keeps real timestamps (devhost's virtual clock would stamp them with virtual time).

Prints runs/min, p50/p95 end to end, the start overhead (run.created -> first activity) and the stage
overhead (a completion -> the next activity; the job's own work is not in it), the machine's busy CPU and
CPU seconds per run, peak PostgreSQL connections, peak devhost RSS and judge requests/min (the Mistral stub)
against JUDGE_REQUESTS_PER_MINUTE, each goal with pass/fail and the machine load.
Last line: ``N runs, L lost, start overhead X s, stage overhead p95 Y s``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.chaos.driver import prepare, seed_datasets
from bench.chaos.processes import Stack
from bench.load.datasets import distinct_datasets
from bench.load.measure import Peaks, RunTimes, cpu_busy_seconds, fetch_history, judge_requests, percentile, run_times
from devstack.processes import wait_until
from mlops.settings import JUDGE_REQUESTS_PER_MINUTE
from tests.tools.mistral_stub import MistralStub, StubConfig, StubServer

FINAL = {"completed", "failed"}


def _token(stack: Stack, user: str, role: str) -> dict[str, str]:
    reply = httpx.post(f"{stack.origin}/.auth/local/token", json={"user": user, "roles": [role]}, timeout=60)
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def _start(stack: Stack, model: Path, dataset: str, auth: dict[str, str]) -> str:
    body = {"model_id": str(model), "dataset": dataset, "experiment_name": "load", "task_type": "evaluate"}
    reply = httpx.post(f"{stack.origin}/api/runs", json=body, headers=auth, timeout=120)
    reply.raise_for_status()
    return str(reply.json()["run_id"])


def _drive(stack: Stack, runs: list[str], auths: tuple[dict[str, str], dict[str, str]], timeout_s: float) -> dict:
    """Approve each run that waits; return the runs' summaries once all are final (or at the timeout). One
    listing a second, as a dashboard would: polling each run's full view would load the host it measures."""
    reader, approver = auths
    wanted = set(runs)
    summaries: dict[str, dict] = {}

    def settled() -> bool:
        listing = httpx.get(f"{stack.origin}/api/runs", params={"limit": 500}, headers=reader, timeout=60)
        summaries.update((r["run_id"], r) for r in listing.json()["runs"] if r["run_id"] in wanted)
        for run_id, summary in summaries.items():
            if summary["status"] == "awaiting_approval":
                url = f"{stack.origin}/api/runs/{run_id}/approval"
                httpx.post(url, json={"decision": "approve"}, headers=approver, timeout=60)
        return len(summaries) == len(wanted) and all(s["status"] in FINAL for s in summaries.values())

    wait_until(settled, timeout_s, interval=1.0)
    return summaries


@dataclass(frozen=True)
class Phase:
    """Runs started at once: their times, how many did not settle, the wall time, the machine's busy CPU and
    each run's wait for the judge's shared rate limit (from its evaluation record)."""

    times: list[RunTimes]
    lost: int
    wall_s: float
    cpu_s: float
    judge_wait_s: list[float]


def _phase(stack: Stack, model: Path, datasets: Iterator[str], n: int, auths: tuple, timeout_s: float) -> Phase:
    """n runs started at once, each on the next dataset."""
    began, cpu_before = time.monotonic(), cpu_busy_seconds()
    runs = [_start(stack, model, next(datasets), auths[0]) for _ in range(n)]
    views = _drive(stack, runs, auths, timeout_s)
    wall, cpu = time.monotonic() - began, cpu_busy_seconds() - cpu_before
    done = [r for r in runs if views.get(r, {}).get("status") in FINAL]
    times = [run_times(views[r], fetch_history(stack.origin, r)) for r in done]
    return Phase(times, n - len(done), wall, cpu, [_judge_wait(stack, r, auths[0]) for r in done])


def _judge_wait(stack: Stack, run_id: str, reader: dict[str, str]) -> float:
    view = httpx.get(f"{stack.origin}/api/runs/{run_id}", headers=reader, timeout=60).json()
    return float(view["evaluation"]["judge"].get("rate_limit_wait_s") or 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--nodes", type=int, default=2, help="JOB_MAX_NODES")
    parser.add_argument(
        "--judge-rpm", type=int, default=JUDGE_REQUESTS_PER_MINUTE.default, help="the judge quota (default: the app's)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="runs first, not counted (cold imports, first jobs)")
    parser.add_argument("--singles", type=int, default=3, help="runs alone, half before the load and half after")
    parser.add_argument("--timeout", type=float, default=7200.0)
    args = parser.parse_args(argv)
    if args.singles < 1 or args.runs < 1:
        parser.error("--singles and --runs must be at least 1")
    state = Path(tempfile.mkdtemp(prefix="load-")).resolve()
    print(f"bench.load: {args.runs} runs, {args.nodes} node(s), judge limit {args.judge_rpm}/min, state {state}")
    print(f"machine: {os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    stack = Stack(state)
    with StubServer(MistralStub(StubConfig(latency_s=0.05))) as stub:
        settings = {
            "HF_HUB_OFFLINE": "1", "TRAINING_MAX_STEPS": "2", "JOB_MAX_NODES": str(args.nodes),
            "GATE_THRESHOLD_FLOOR": "0.0", "AZURE_AI_ENDPOINT": stub.endpoint, "AZURE_AI_API_KEY": "bench-key",
            "JUDGE_REQUESTS_PER_MINUTE": str(args.judge_rpm),
        }  # fmt: skip
        try:
            stack.start(settings)
            model = prepare(stack, state / "models")
            manifest, names = distinct_datasets(state / "datasets", args.warmup + args.singles + args.runs)
            seed_datasets(stack, manifest)
            datasets = iter(names)
            auths = (_token(stack, "load.requester@contoso.com", "requester"),
                     _token(stack, "load.approver@contoso.com", "approver"))  # fmt: skip
            if args.warmup:
                _phase(stack, model, datasets, args.warmup, auths, args.timeout)
            singles = [
                _phase(stack, model, datasets, 1, auths, args.timeout) for _ in range(args.singles - args.singles // 2)
            ]
            calls_before, started = judge_requests(stub.stub.stats()), time.monotonic()
            assert stack.devhost is not None and stack.devhost.process is not None
            with Peaks(stack.env["DATABASE_URL"], stack.devhost.process.pid) as peaks:
                load = _phase(stack, model, datasets, args.runs, auths, args.timeout)
            judge_rate = (judge_requests(stub.stub.stats()) - calls_before) / ((time.monotonic() - started) / 60)
            singles += [_phase(stack, model, datasets, 1, auths, args.timeout) for _ in range(args.singles // 2)]
        finally:
            stack.stop()
    _report(args, singles, load, peaks, judge_rate)
    return 0 if load.lost == 0 else 1


def _report(args: argparse.Namespace, singles: list[Phase], many: Phase, peaks: Peaks, judge_rate: float) -> None:
    """The table: the single-run column is the median of the runs alone (its rate with their range, the other
    rows from the median run), so one slow or fast baseline does not decide the throughput goal."""
    ordered = sorted(singles, key=lambda phase: phase.wall_s)
    one = ordered[len(ordered) // 2]
    single_rate, rate = 60 / one.wall_s, len(many.times) * 60 / many.wall_s
    spread = f"{60 / ordered[-1].wall_s:.2f}–{60 / ordered[0].wall_s:.2f}, {len(ordered)} runs"
    e2e = [r.end_to_end_s for r in many.times]
    starts, stages = [r.start_s for r in many.times], [s for r in many.times for s in r.stage_s]
    cores = os.cpu_count() or 1
    print(f"\n| measure | single run | {args.runs} runs |\n|---|---|---|")
    print(f"| runs/min | {single_rate:.2f} ({spread}) | {rate:.2f} |")
    p50, p95 = percentile(e2e, 0.5), percentile(e2e, 0.95)
    print(f"| end to end p50 / p95 s | {one.times[0].end_to_end_s:.1f} | {p50:.1f} / {p95:.1f} |")
    print(f"| start overhead p50 s | {one.times[0].start_s:.2f} | {percentile(starts, 0.5):.2f} |")
    print(f"| stage overhead p95 s | {percentile(one.times[0].stage_s, 0.95):.2f} | {percentile(stages, 0.95):.2f} |")
    print(f"| machine CPU busy ({cores} cores) | {_busy(one, cores)} | {_busy(many, cores)} |")
    print(f"| CPU seconds per run | {one.cpu_s:.0f} | {many.cpu_s / max(1, len(many.times)):.0f} |")
    print(f"| peak PostgreSQL connections | | {peaks.connections} |")
    print(f"| peak devhost RSS MB | | {peaks.rss_mb:.0f} |")
    print(f"| judge requests/min (limit {args.judge_rpm}) | | {judge_rate:.0f} |")
    waits = (percentile(one.judge_wait_s, 0.5), percentile(many.judge_wait_s, 0.5))
    print(f"| judge rate-limit wait per run p50 s (its calls summed) | {waits[0]:.1f} | {waits[1]:.1f} |")
    goals = [
        ("stage overhead p95 < 0.5 s", percentile(stages, 0.95) < 0.5),
        ("start overhead < 1 s", percentile(starts, 0.5) < 1.0),
        (f"throughput >= 80 % of {args.nodes} x single", rate >= 0.8 * args.nodes * single_rate),
        ("zero runs lost", many.lost == 0),
        ("judge rate <= limit", judge_rate <= args.judge_rpm),
    ]
    print(f"\nload {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n".join(f"goal {name}: {'pass' if ok else 'FAIL'}" for name, ok in goals))
    print(f"{args.runs} runs, {many.lost} lost, start overhead {percentile(starts, .5):.2f} s, "
          f"stage overhead p95 {percentile(stages, .95):.2f} s")  # fmt: skip


def _busy(phase: Phase, cores: int) -> str:
    return f"{100 * phase.cpu_s / (phase.wall_s * cores):.0f} %"


if __name__ == "__main__":
    sys.exit(main())
