"""Benchmark: what a cold Function App instance pays before it serves its first trigger.

In one run, fresh interpreters import (a) the bare SDK set the app cannot do without and (b)
``function_app``, interleaved, ``--repeats`` times each; it prints the median wall time, the spread,
the ratio (b)/(a) and each side's peak RSS, with the machine's load. It then installs
``requirements.txt`` (constrained by constraints.txt, without the dev and job requirements) into a fresh
virtual environment, prints its size, and imports ``function_app`` there: the thin set must be enough.
Goals: (b)/(a) <= 1.5x wall time, (b) <= 200 MB peak RSS, installed runtime <= 300 MB.
Run: .venv/bin/python -m bench.cold_start [--repeats 5] [--skip-install]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "cold_start.json"
SDK_SET = (
    "import azure.functions, azure.durable_functions, azure.servicebus, azure.servicebus.aio, "
    "azure.storage.blob, azure.identity, azure.keyvault.secrets, asyncpg, httpx, pydantic"
)
APP = "import function_app"
GOAL_RATIO, GOAL_RSS_MB, GOAL_INSTALLED_MB = 1.5, 200.0, 300.0


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float


def run_import(python: str, statement: str) -> Sample:
    """One fresh interpreter running ``statement`` from the repository root: its wall time and peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen([python, "-c", statement], cwd=ROOT, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{python} -c {statement!r} failed ({process.returncode}): {error[-2000:]}")
    return Sample(seconds, usage.ru_maxrss / 1024)


def measure(python: str, repeats: int) -> dict[str, list[Sample]]:
    """(a) and (b) alternately, after one untimed warm-up of each (the OS file cache)."""
    cases = {"sdk": SDK_SET, "app": APP}
    for statement in cases.values():
        run_import(python, statement)
    samples: dict[str, list[Sample]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, statement in cases.items():
            samples[name].append(run_import(python, statement))
    return samples


def summary(samples: list[Sample]) -> dict[str, float]:
    times = [s.seconds for s in samples]
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "peak_rss_mb": max(s.peak_rss_mb for s in samples),
    }


def installed_runtime(workdir: Path) -> tuple[float, Sample]:
    """Install requirements.txt into a fresh venv; return its site-packages size (MB) and one app import there."""
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    install = [*pip, "-c", str(ROOT / "constraints.txt"), "-r", str(ROOT / "requirements.txt")]
    done = subprocess.run(install, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"installing requirements.txt failed: {done.stderr[-3000:]}")
    site = next((venv / "lib").glob("python3*/site-packages"))
    # Exclude what every venv has (pip itself), not part of the app's runtime.
    size = sum(
        f.stat().st_size for f in site.rglob("*") if f.is_file() and not f.relative_to(site).parts[0].startswith("pip")
    )
    return size / 2**20, run_import(python, APP)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-install", action="store_true", help="skip the fresh-venv install and its size")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    samples = measure(sys.executable, args.repeats)
    sdk, app = summary(samples["sdk"]), summary(samples["app"])
    ratio = app["median_s"] / sdk["median_s"]
    print(f"load average before: {load_before[0]:.2f} / after: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    for name, row in (("(a) bare SDK set", sdk), ("(b) function_app", app)):
        print(
            f"{name:18} median {row['median_s']:.2f} s (spread {row['min_s']:.2f}-{row['max_s']:.2f} s, "
            f"{args.repeats} runs)  peak RSS {row['peak_rss_mb']:.0f} MB"
        )
    print(f"ratio (b)/(a): {ratio:.2f}x (goal <= {GOAL_RATIO}x: {_verdict(ratio <= GOAL_RATIO)})")
    print(f"peak RSS (b): {app['peak_rss_mb']:.0f} MB (goal <= {GOAL_RSS_MB:.0f} MB: "
          f"{_verdict(app['peak_rss_mb'] <= GOAL_RSS_MB)})")  # fmt: skip
    result: dict[str, object] = {"load_before": load_before[0], "sdk": sdk, "app": app, "ratio": ratio}
    ok = ratio <= GOAL_RATIO and app["peak_rss_mb"] <= GOAL_RSS_MB
    if not args.skip_install:
        with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
            size_mb, thin = installed_runtime(Path(tmp))
        print(f"installed runtime (requirements.txt, fresh venv): {size_mb:.0f} MB "
              f"(goal <= {GOAL_INSTALLED_MB:.0f} MB: {_verdict(size_mb <= GOAL_INSTALLED_MB)})")  # fmt: skip
        print(f"import function_app in that venv: {thin.seconds:.2f} s, peak RSS {thin.peak_rss_mb:.0f} MB")
        result.update(installed_mb=size_mb, thin_venv_app={"seconds": thin.seconds, "peak_rss_mb": thin.peak_rss_mb})
        ok = ok and size_mb <= GOAL_INSTALLED_MB
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
