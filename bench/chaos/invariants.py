"""What must hold after a chaos run, read from where a user would look: the API, the registry, MLflow,
the Teams receiver, the outbox."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

SETTLED = {"completed", "failed", "awaiting_approval"}
_RUN = re.compile(r"^(?P<title>.+): run (?P<run>[0-9a-f-]{36})$")


@dataclass(frozen=True)
class Observed:
    statuses: dict[str, str]
    failures: dict[str, str]  # run id -> failure reason, for the runs that ended failed
    registry: Counter[tuple[str, str]]
    cards: Counter[tuple[str, str]]
    evaluations: Counter[str]
    unsent: int

    @property
    def lost(self) -> int:
        """Unsettled runs, runs a fault made fail (every fault injected is one a run must ride out) and unsent
        outbox rows."""
        return sum(1 for s in self.statuses.values() if s not in SETTLED) + len(self.failures) + self.unsent

    @property
    def duplicates(self) -> int:
        counters: list[Counter[Any]] = [self.registry, self.cards, self.evaluations]
        return sum(max(0, n - 1) for counter in counters for n in counter.values())

    def table(self) -> list[str]:
        settled = sum(1 for s in self.statuses.values() if s in SETTLED)
        rows = [
            ("runs terminal or awaiting approval", f"{len(self.statuses)}", f"{settled}"),
            ("runs failed by a fault", "0", f"{len(self.failures)}"),
            ("registry versions per run and stage", "1", _span(self.registry)),
            ("cards per run and kind", "1", _span(self.cards)),
            ("MLflow runs per evaluation", "1", _span(self.evaluations)),
            ("outbox rows never sent", "0", f"{self.unsent}"),
        ]
        lines = ["| invariant | goal | observed |", "|---|---|---|"]
        return lines + [f"| {name} | {goal} | {seen} |" for name, goal, seen in rows]


def _span(counter: Counter[Any]) -> str:
    if not counter:
        return "none"
    low, high = min(counter.values()), max(counter.values())
    return f"{low} (over {len(counter)})" if low == high else f"{low}..{high} (over {len(counter)})"


def observe(views: dict[str, dict[str, Any] | None], origin: str, env: dict[str, str]) -> Observed:
    mine = set(views)
    statuses = {run: str(view["status"]) if view else "unknown" for run, view in views.items()}
    return Observed(
        statuses=statuses,
        failures={run: str(v.get("failure_reason")) for run, v in views.items() if v and statuses[run] == "failed"},
        registry=_registry(env["MLFLOW_TRACKING_URI"], mine),
        cards=_cards(origin, mine),
        evaluations=_evaluations(env["MLFLOW_TRACKING_URI"], mine),
        unsent=asyncio.run(_unsent(env["DATABASE_URL"])),
    )


def _registry(uri: str, runs: set[str]) -> Counter[tuple[str, str]]:
    from mlflow import MlflowClient

    versions = MlflowClient(tracking_uri=uri, registry_uri=uri).search_model_versions("")
    return Counter((v.tags["run_id"], v.tags.get("lifecycle", "")) for v in versions if v.tags.get("run_id") in runs)


def _evaluations(uri: str, runs: set[str]) -> Counter[str]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    experiments = [e.experiment_id for e in client.search_experiments()]
    found = client.search_runs(experiments, filter_string="tags.stage = 'evaluation'", max_results=5000)
    return Counter(r.data.tags["run_id"] for r in found if r.data.tags.get("run_id") in runs)


def _cards(origin: str, runs: set[str]) -> Counter[tuple[str, str]]:
    messages = httpx.get(f"{origin}/admin/webhooks/teams", timeout=60).json()["messages"]
    seen: Counter[tuple[str, str]] = Counter()
    for message in messages:
        match = _RUN.match(str(message["attachments"][0]["content"].get("fallbackText", "")))
        if match and match["run"] in runs:
            seen[(match["run"], match["title"])] += 1
    return seen


async def _unsent(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
    finally:
        await conn.close()
