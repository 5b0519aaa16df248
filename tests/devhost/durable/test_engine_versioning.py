"""Orchestration versioning in the engine: fixed at start, seen by the code, matched before each episode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import azure.durable_functions as df

from devhost.durable.engine import DurableEngine
from devhost.durable.status import InstanceStatus
from devhost.durable.versioning import FailureStrategy, MatchStrategy, VersionPolicy

from .conftest import ACTIVITIES, durable_functions

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def versioned(context: df.DurableOrchestrationContext):
    """Wait for Go, then report the version the instance runs under."""
    yield context.wait_for_external_event("Go")
    return context.version


@bp.orchestration_trigger(context_name="context")
def renewed(context: df.DurableOrchestrationContext):
    """Continue as new once, then report the version of the second execution."""
    if context.get_input() is None:
        context.continue_as_new("second")
        return None
    return context.version


VERSIONED, _ = durable_functions(bp)
V1 = VersionPolicy("1.0")
V2 = VersionPolicy("2.0")


def engine(tmp_path: Path, clock, policy: VersionPolicy) -> DurableEngine:
    return DurableEngine(
        orchestrators=VERSIONED,
        activities=ACTIVITIES,
        store_path=tmp_path / "durable.sqlite",
        clock=clock,
        versioning=policy,
    )


def status_of(worker: DurableEngine, instance_id: str) -> InstanceStatus:
    status = worker.get_status(instance_id)
    assert status is not None
    return status


async def finish(worker: DurableEngine, instance_id: str) -> tuple[str, object]:
    await worker.raise_event(instance_id, "Go", "null")
    await worker.wait_idle(10)
    status = status_of(worker, instance_id)
    return status.runtime_status, status.output


async def test_an_instance_runs_under_the_default_version_unless_started_with_one(tmp_path: Path, clock) -> None:
    worker = engine(tmp_path, clock, V1)
    await worker.start()
    try:
        await worker.start_new("versioned", "plain", None)
        await worker.start_new("versioned", "pinned", None, version="0.9")
        await worker.wait_idle(10)
        assert (status_of(worker, "plain").version, status_of(worker, "pinned").version) == ("1.0", "0.9")
        assert await finish(worker, "plain") == ("Completed", "1.0")
        assert await finish(worker, "pinned") == ("Completed", "0.9")
    finally:
        await worker.stop()


async def test_a_newer_worker_finishes_an_instance_started_under_the_older_version(tmp_path: Path, clock) -> None:
    old = engine(tmp_path, clock, V1)
    await old.start()
    await old.start_new("versioned", "inflight", None)
    await old.wait_idle(10)
    await old.stop()
    new = engine(tmp_path, clock, V2)
    await new.start()
    try:
        assert await finish(new, "inflight") == ("Completed", "1.0")
        assert status_of(new, "inflight").version == "1.0"
    finally:
        await new.stop()


async def test_an_older_worker_leaves_a_newer_instance_untouched_for_a_newer_worker(tmp_path: Path, clock) -> None:
    old = engine(tmp_path, clock, V1)
    await old.start()
    await old.start_new("versioned", "future", None, version="2.0")
    await old.wait_idle(10)  # rejected: not run, and not counted as work this worker could do
    assert status_of(old, "future").runtime_status == "Pending"
    await old.stop()
    new = engine(tmp_path, clock, V2)
    await new.start()
    try:
        assert await finish(new, "future") == ("Completed", "2.0")
    finally:
        await new.stop()


async def test_a_strict_worker_with_fail_fails_an_instance_of_another_version(tmp_path: Path, clock) -> None:
    old = engine(tmp_path, clock, V1)
    await old.start()
    await old.start_new("versioned", "stale", None)
    await old.wait_idle(10)
    await old.stop()
    strict = engine(tmp_path, clock, VersionPolicy("2.0", MatchStrategy.STRICT, FailureStrategy.FAIL))
    await strict.start()
    try:
        assert await finish(strict, "stale") == (
            "Failed",
            "The orchestration version '1.0' does not match the worker version '2.0'.",
        )
    finally:
        await strict.stop()


async def test_continue_as_new_keeps_the_instance_version(tmp_path: Path, clock) -> None:
    worker = engine(tmp_path, clock, V2)
    await worker.start()
    try:
        await worker.start_new("renewed", "again", None, version="1.5")
        await worker.wait_idle(10)
        status = status_of(worker, "again")
        assert (status.runtime_status, status.output) == ("Completed", "1.5")
    finally:
        await worker.stop()


async def test_a_task_hub_from_before_versioning_opens_with_empty_versions(tmp_path: Path, clock) -> None:
    path = tmp_path / "durable.sqlite"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE TestHubName_instances (instance_id TEXT PRIMARY KEY, name TEXT NOT NULL, execution_id TEXT "
            "NOT NULL, status TEXT NOT NULL, input TEXT, output TEXT, custom_status TEXT, created_time TEXT NOT NULL, "
            "last_updated_time TEXT NOT NULL, ledger TEXT NOT NULL)"
        )
        old.execute(
            "INSERT INTO TestHubName_instances VALUES "
            "('legacy', 'versioned', 'e', 'Completed', NULL, '\"done\"', NULL, "
            "'2024-01-01T09:00:00.000000Z', '2024-01-01T09:00:00.000000Z', '{\"next_id\": 0, \"actions\": [], "
            '"retries": {}}\')'
        )
    worker = engine(tmp_path, clock, V1)
    await worker.start()
    try:
        status = status_of(worker, "legacy")
        assert (status.runtime_status, status.version) == ("Completed", "")
    finally:
        await worker.stop()
