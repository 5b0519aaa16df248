"""End to end: a run whose run.created could not be published is started by the outbox relay; a run left
pending with its message gone is re-published by the sweeper (both timer functions, run as the host would)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.e2e.conftest import Api
from tests.fixtures.services import migrated_store

# Any status after pending: the orchestration started and recorded its first stage.
STARTED = {"loading", "training", "evaluating", "awaiting_approval", "completed", "failed"}


def _run_timer(api: Api, name: str) -> None:
    reply = httpx.post(f"{api.devhost.base_url}/admin/functions/{name}", timeout=120)
    assert reply.status_code == 202, reply.text


def _outbox_sent(dsn: str, run_id: str) -> list[bool]:
    async def read() -> list[bool]:
        async with migrated_store(dsn) as store:
            rows = await store._pool.fetch("SELECT sent_at FROM outbox WHERE run_id = $1::uuid", run_id)
            return [row["sent_at"] is not None for row in rows]

    return asyncio.run(read())


def _start_while_the_broker_is_down(api: Api, model: Path, while_down: Callable[[str], None] | None = None) -> str:
    """Start a run while the broker is down (its run.created stays in the outbox); ``while_down`` runs before
    the broker is back, so the relay timer (every minute) cannot publish the row first."""
    broker = api.devhost.host.broker
    assert broker is not None
    broker.stop()
    try:
        run_id = api.start_run(str(model), task_type="evaluate", ml_score_threshold=1.0)
        if while_down is not None:
            while_down(run_id)
    finally:
        broker.start()
    return run_id


def test_a_run_created_while_the_broker_is_down_is_started_by_the_relay(
    api: Api, tiny_model: Path, stack_env: dict[str, str]
):
    def still_pending_and_unsent(run_id: str) -> None:
        assert api.run(run_id)["status"] == "pending"
        assert _outbox_sent(stack_env["DATABASE_URL"], run_id) == [False]

    run_id = _start_while_the_broker_is_down(api, tiny_model, still_pending_and_unsent)
    _run_timer(api, "relay_outbox")
    assert _outbox_sent(stack_env["DATABASE_URL"], run_id) == [True]
    assert api.wait_for(run_id, STARTED)["orchestration"] is not None


def test_a_run_pending_with_its_message_gone_is_republished_by_the_sweeper(
    devhost_factory, tiny_model: Path, stack_env: dict[str, str]
):
    with devhost_factory(PENDING_SWEEP_MINUTES="0.001") as devhost:
        api = Api(devhost)

        async def lose_the_message(run_id: str) -> None:  # as if it was sent, then dead-lettered and expired
            async with migrated_store(stack_env["DATABASE_URL"]) as store:
                await store._pool.execute("UPDATE outbox SET sent_at = now() WHERE run_id = $1::uuid", run_id)

        run_id = _start_while_the_broker_is_down(api, tiny_model, lambda run: asyncio.run(lose_the_message(run)))
        _run_timer(api, "relay_outbox")
        assert api.run(run_id)["status"] == "pending"
        _run_timer(api, "sweep_pending_runs")
        assert api.wait_for(run_id, STARTED)["orchestration"] is not None
