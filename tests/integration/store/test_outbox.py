"""The transactional outbox on real PostgreSQL: written with the run, relayed at least once, marked sent."""

import uuid

import pytest

from mlops import events
from mlops.outbox import outbox_message
from mlops.store import DatasetNotFound, RunStore
from mlops.store.outbox import OutboxMessage
from tests.integration.store.support import DATASET, new_run

pytest_plugins = ["tests.fixtures.services"]


class BrokerDown(Exception):
    pass


def created(run_id: str) -> OutboxMessage:
    event = events.LifecycleEvent(events.RUN_CREATED, run_id, {"run_id": run_id}, task_type="finetune")
    return outbox_message(event, "mlops-events")


async def _store_with_run(run_store: RunStore) -> str:
    await run_store.upsert_dataset(DATASET)
    run_id = str(uuid.uuid4())
    await run_store.create_run(new_run(run_id=run_id), outbox=[created(run_id)])
    return run_id


async def test_the_run_and_its_run_created_row_are_written_together(run_store: RunStore) -> None:
    run_id = await _store_with_run(run_store)
    (message,) = await run_store.unsent_messages()
    assert (message.message_id, message.run_id, message.event_type) == (f"{run_id}:run.created", run_id, "run.created")
    assert message.application_properties == {"event_type": "run.created", "run_id": run_id, "task_type": "finetune"}


async def test_a_run_that_cannot_be_written_leaves_no_outbox_row(run_store: RunStore) -> None:
    run_id = str(uuid.uuid4())
    with pytest.raises(DatasetNotFound):
        await run_store.create_run(new_run(run_id=run_id, dataset="nope"), outbox=[created(run_id)])
    assert await run_store.unsent_messages() == []


async def test_the_relay_publishes_each_row_once_and_marks_it_sent(run_store: RunStore) -> None:
    run_id = await _store_with_run(run_store)
    published: list[str] = []

    async def publish(message: OutboxMessage) -> None:
        published.append(message.message_id)

    assert await run_store.relay_outbox(publish) == 1
    assert await run_store.relay_outbox(publish) == 0
    assert published == [f"{run_id}:run.created"]
    assert await run_store.unsent_messages() == []


async def test_a_failed_publish_keeps_the_row_for_the_next_pass(run_store: RunStore) -> None:
    await _store_with_run(run_store)

    async def down(message: OutboxMessage) -> None:
        raise BrokerDown("connection refused")

    assert await run_store.relay_outbox(down) == 0
    (message,) = await run_store.unsent_messages()
    assert message.attempts == 1


async def test_enqueueing_the_same_message_twice_keeps_one_row(run_store: RunStore) -> None:
    run_id = await _store_with_run(run_store)
    failed = outbox_message(events.LifecycleEvent(events.FAILED, run_id, {"reason": "x"}), "mlops-events")
    await run_store.enqueue_message(failed)
    await run_store.enqueue_message(failed)
    assert [m.event_type for m in await run_store.unsent_messages()] == ["run.created", "run.failed"]


async def test_a_copy_under_a_new_id_is_unsent_and_keeps_the_body(run_store: RunStore) -> None:
    run_id = await _store_with_run(run_store)

    async def publish(message: OutboxMessage) -> None:
        return None

    await run_store.relay_outbox(publish)
    assert await run_store.copy_message(f"{run_id}:run.created", f"{run_id}:run.created:sweep-1")
    assert not await run_store.copy_message("no-such-message", "copy")
    (copy,) = await run_store.unsent_messages()
    assert (copy.message_id, copy.event_type, copy.run_id) == (f"{run_id}:run.created:sweep-1", "run.created", run_id)


async def test_stale_pending_runs_are_those_pending_longer_than_the_threshold(run_store: RunStore) -> None:
    run_id = await _store_with_run(run_store)
    assert await run_store.stale_pending_runs(3600) == []
    assert await run_store.stale_pending_runs(0) == [run_id]
