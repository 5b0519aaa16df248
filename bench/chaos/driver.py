"""Carry out a chaos plan against a live stack: start the runs, strike the faults, wait until runs settle."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.chaos.invariants import SETTLED
from bench.chaos.processes import ROOT, Stack
from bench.chaos.schedule import Step
from devstack.processes import wait_until

MANIFEST = ROOT / "data" / "datasets" / "manifest.json"
USER = "chaos.requester@contoso.com"


def seed_datasets(stack: Stack, manifest: Path = MANIFEST) -> None:
    """Upload the manifest's datasets to the stack's Blob Storage and register them in its database."""
    from mlops.blob import BlobStore
    from mlops.seed import read_manifest, seed
    from mlops.store import RunStore

    async def seed_all() -> None:
        store = await RunStore.connect(stack.env["DATABASE_URL"])
        try:
            await store.migrate()
            await seed(
                read_manifest(manifest), store, BlobStore.from_connection_string(stack.env["BLOB_CONNECTION_STRING"])
            )
        finally:
            await store.close()

    asyncio.run(seed_all())


def prepare(stack: Stack, models: Path) -> Path:
    """Seed the datasets and build the tiny model (the hub is unreachable); returns the model's directory."""
    from mlops.models.tiny import build_tiny_model, corpus_from_jsonl

    seed_datasets(stack)
    corpus = corpus_from_jsonl(sorted((ROOT / "data" / "datasets").rglob("*.jsonl")))
    return build_tiny_model(models / "tiny-mistral", corpus)


def headers(stack: Stack, roles: tuple[str, ...] = ("requester",)) -> dict[str, str]:
    """A bearer token from devhost's local identity provider."""
    reply = httpx.post(f"{stack.origin}/.auth/local/token", json={"user": USER, "roles": list(roles)}, timeout=60)
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def execute(stack: Stack, steps: list[Step], model: Path) -> tuple[list[str], Counter[str]]:
    """Run the plan in time order; returns the run ids and the faults struck by kind."""
    runs, struck, start = [], Counter[str](), time.monotonic()
    for step in steps:
        time.sleep(max(0.0, start + step.at_s - time.monotonic()))
        if step.kind == "start_run":
            runs.append(_start_run(stack, model, step.value))
            continue
        _strike(stack, step)
        struck[step.kind] += 1
        print(f"  {time.monotonic() - start:7.1f} s  {step.kind} done", flush=True)
    return runs, struck


def _start_run(stack: Stack, model: Path, threshold: float) -> str:
    body = {
        "model_id": str(model),
        "dataset": "rag_qa",
        "experiment_name": "chaos",
        "task_type": "evaluate",
        "ml_score_threshold": threshold,
    }
    for _ in range(5):  # a pooled connection broken by a restart fails one request: nothing was written then
        try:
            reply = httpx.post(f"{stack.origin}/api/runs", json=body, headers=headers(stack), timeout=120)
        except httpx.TransportError:
            reply = None
        if reply is not None and reply.status_code == 202:
            return str(reply.json()["run_id"])
        time.sleep(3)
    raise RuntimeError(f"POST /api/runs kept failing: {None if reply is None else reply.text}")


def _strike(stack: Stack, step: Step) -> None:
    if step.kind == "kill_devhost":
        assert stack.devhost is not None
        stack.devhost.kill()
        time.sleep(step.value)
        stack.start_devhost()
    elif step.kind == "restart_broker":
        assert stack.broker is not None
        stack.broker.kill()
        time.sleep(step.value)
        stack.start_broker()
    else:
        stack.restart_postgres(step.value)


def run_view(stack: Stack, auth: dict[str, str], run_id: str) -> dict[str, Any] | None:
    """The run as the API shows it, None while the API cannot answer."""
    try:
        reply = httpx.get(f"{stack.origin}/api/runs/{run_id}", headers=auth, timeout=60)
    except httpx.TransportError:
        return None
    return dict(reply.json()) if reply.status_code == 200 else None


def status(stack: Stack, auth: dict[str, str], run_id: str) -> str | None:
    """The run's status, None while the API cannot answer."""
    view = run_view(stack, auth, run_id)
    return None if view is None else str(view["status"])


def settle(stack: Stack, runs: list[str], timeout_s: float) -> bool:
    """Wait until every run is terminal or awaits approval, running the outbox relay and the sweeper every
    30 s as their timers would (their schedules are minutes apart); False on timeout."""
    auth, last_timers = headers(stack), 0.0

    def settled() -> bool:
        nonlocal last_timers
        if time.monotonic() - last_timers > 30:
            for name in ("relay_outbox", "sweep_pending_runs"):
                with contextlib.suppress(httpx.TransportError):
                    httpx.post(f"{stack.origin}/admin/functions/{name}", timeout=300)
            last_timers = time.monotonic()
        return all(status(stack, auth, r) in SETTLED for r in runs)

    return wait_until(settled, timeout_s, interval=5.0)
