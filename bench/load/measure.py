"""What bench.load reads off a run: its end-to-end time, its start overhead and its stage overheads
(from the orchestration's history), and the machine's peaks while runs go (PostgreSQL connections, RSS)."""

from __future__ import annotations

import os
import statistics
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

# What the orchestrator acts on: an activity's result, a raised event (a job's completion, a decision), or a
# durable timer firing (a job's status poll while the job is still queued or running: not overhead).
COMPLETIONS = {"TaskCompleted", "TaskFailed", "EventRaised", "TimerFired"}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class RunTimes:
    """One run: seconds from created to final, created to its first activity, and each stage's overhead
    (a completion, of an activity, a job's event or a timer, to the next activity's scheduling)."""

    end_to_end_s: float
    start_s: float
    stage_s: list[float]


def run_times(run: dict[str, Any], history: list[dict[str, Any]]) -> RunTimes:
    """The times of ``run`` (the API's run view) from its orchestration ``history`` (showHistory)."""
    created = _at(run["created_at"])
    finished = max(_at(e["Timestamp"]) for e in history)
    scheduled = sorted(_at(e["ScheduledTime"]) for e in history if e.get("ScheduledTime"))
    done = sorted(_at(e["Timestamp"]) for e in history if e["EventType"] in COMPLETIONS)
    stages = []
    for start in scheduled[1:]:
        before = [t for t in done if t <= start]
        if before:
            stages.append((start - before[-1]).total_seconds())
    return RunTimes((finished - created).total_seconds(), (scheduled[0] - created).total_seconds(), stages)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(q * 100) - 1))]


def cpu_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def judge_requests(stats: dict[str, Any]) -> int:
    """Requests the Mistral stub served (chat and embeddings), from its counters."""
    return sum(int(v) for k, v in stats.items() if k.endswith("_requests"))


def fetch_history(origin: str, run_id: str) -> list[dict[str, Any]]:
    """The orchestration's history through the durable HTTP API (the extension's own route)."""
    url = f"{origin}/runtime/webhooks/durabletask/instances/{run_id}?showHistory=true"
    return list(httpx.get(url, timeout=60).json().get("historyEvents") or [])


@dataclass
class Peaks:
    """Samples PostgreSQL backends and a process's RSS every ``every_s`` until stopped; keeps the peaks."""

    dsn: str
    pid: int
    every_s: float = 1.0
    connections: int = 0
    rss_mb: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Peaks:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _sample(self) -> None:
        import asyncio

        import asyncpg

        async def loop() -> None:
            conn = await asyncpg.connect(self.dsn)
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            try:
                while not self._stop.is_set():
                    self.connections = max(self.connections, int(await conn.fetchval(query)))
                    self.rss_mb = max(self.rss_mb, _rss_mb(self.pid))
                    await asyncio.sleep(self.every_s)
            finally:
                await conn.close()

        asyncio.run(loop())


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0
