import uuid

import pytest

from mlops.store import DatasetNotFound, InvalidTransition, RunFields, RunNotFound, RunRecord, RunStore
from tests.integration.store.support import DATASET, MakeRun, new_run

pytest_plugins = ["tests.fixtures.services"]


class PublishFailed(Exception):
    pass


async def test_create_run_writes_the_row_and_its_first_event(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    assert run.status == "pending" and run.decision is None
    assert run.metric_weights == {"rouge_l": 0.5, "exact_match": 0.5}
    assert await run_store.get_run(run.run_id) == run
    events = await run_store.list_events(run.run_id)
    assert [(e.kind, e.status, e.message) for e in events] == [("transition", "pending", "run created")]


async def test_before_commit_runs_inside_the_transaction(make_run: MakeRun, run_store: RunStore) -> None:
    seen: list[RunRecord | None] = []

    async def publish(record: RunRecord) -> None:
        seen.append(await run_store.get_run(record.run_id))  # another connection: not committed yet

    run = await run_store.create_run(new_run(), before_commit=publish)
    assert seen == [None]
    assert await run_store.get_run(run.run_id) == run


async def test_a_failing_before_commit_writes_nothing(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = str(uuid.uuid4())

    async def publish(record: RunRecord) -> None:
        assert record.run_id == run_id
        raise PublishFailed

    with pytest.raises(PublishFailed):
        await run_store.create_run(new_run(run_id=run_id), before_commit=publish)
    assert await run_store.get_run(run_id) is None
    assert await run_store.list_events(run_id) == []
    assert await run_store.list_runs() == []


async def test_unknown_dataset_and_task_type_are_refused(make_run: MakeRun, run_store: RunStore) -> None:
    with pytest.raises(DatasetNotFound):
        await run_store.create_run(new_run(dataset="nope"))
    with pytest.raises(ValueError, match="task_type"):
        new_run(task_type="deploy")


async def test_transitions_update_the_row_and_append_events(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    model = {"name": "smollm2-135m", "version": "1", "uri": "blob://model-outputs/base/x"}
    await run_store.record_transition(run.run_id, "loading", "loading base model")
    await run_store.record_transition(
        run.run_id,
        "training",
        "training",
        fields=RunFields(base_model_uri=model["uri"], registered_model=model),
    )
    await run_store.record_transition(run.run_id, "evaluating", "evaluating", fields=RunFields(ml_score=0.91))
    await run_store.record_transition(run.run_id, "awaiting_approval", "score 0.91 >= 0.7")
    done = await run_store.record_transition(
        run.run_id, "completed", "approved", decision="go_prod", details={"approver": "ann"}
    )
    assert (done.status, done.decision, done.ml_score) == ("completed", "go_prod", 0.91)
    assert done.registered_model == model and done.base_model_uri == model["uri"]
    assert done.updated_at > run.updated_at and done.is_terminal
    events = await run_store.list_events(run.run_id)
    assert [e.status for e in events] == [
        "pending",
        "loading",
        "training",
        "evaluating",
        "awaiting_approval",
        "completed",
    ]
    assert events[2].details == {"fields": {"base_model_uri": model["uri"], "registered_model": model}}
    assert events[-1].details == {"approver": "ann", "decision": "go_prod"}


async def test_a_redelivered_transition_changes_nothing(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    first = await run_store.record_transition(run.run_id, "loading", "loading", dedupe_key="status:loading")
    again = await run_store.record_transition(run.run_id, "loading", "loading", dedupe_key="status:loading")
    assert again == first
    await run_store.record_transition(run.run_id, "failed", "boom", fields=RunFields(failure_reason="boom"))
    late = await run_store.record_transition(run.run_id, "loading", "loading", dedupe_key="status:loading")
    assert late.status == "failed" and late.failure_reason == "boom"
    assert [e.status for e in await run_store.list_events(run.run_id)] == ["pending", "loading", "failed"]


@pytest.mark.parametrize(
    ("path", "target", "decision", "reason"),
    [
        (["completed"], "loading", None, "completed is terminal"),
        (["failed"], "failed", None, "failed is terminal"),
        (["evaluating"], "loading", None, "never goes back"),
        (["loading"], "evaluating", "go_prod", "only a completed run"),
        ([], "completed", "shipped", "unknown decision"),
        ([], "paused", None, "unknown status"),
    ],
)
async def test_illegal_transitions_raise(
    make_run: MakeRun, run_store: RunStore, path: list[str], target: str, decision: str | None, reason: str
) -> None:
    run = await make_run()
    for status in path:
        await run_store.record_transition(run.run_id, status, status)
    with pytest.raises(InvalidTransition, match=reason):
        await run_store.record_transition(run.run_id, target, "x", decision=decision)
    assert len(await run_store.list_events(run.run_id)) == 1 + len(path)


async def test_unknown_runs(run_store: RunStore) -> None:
    for run_id in (str(uuid.uuid4()), "not-a-uuid"):
        assert await run_store.get_run(run_id) is None
        with pytest.raises(RunNotFound):
            await run_store.record_transition(run_id, "loading", "x")
        with pytest.raises(RunNotFound):
            await run_store.append_event(run_id, "event", "x")


async def test_append_event_dedupes_and_stamps_the_status(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    card = await run_store.append_event(run.run_id, "card", "c", details={"card": {"a": 1}}, dedupe_key="card:x")
    again = await run_store.append_event(run.run_id, "card", "c2", details={}, dedupe_key="card:x")
    assert again == card and card.status == "pending" and card.details == {"card": {"a": 1}}
    plain = [await run_store.append_event(run.run_id, "event", "note") for _ in range(2)]
    assert plain[0].id < plain[1].id
    assert len(await run_store.list_events(run.run_id)) == 4
    with pytest.raises(ValueError, match="kind"):
        await run_store.append_event(run.run_id, "gossip", "x")


async def test_list_runs_newest_first_with_paging_and_status(make_run: MakeRun, run_store: RunStore) -> None:
    runs = [await make_run() for _ in range(5)]
    await run_store.record_transition(runs[1].run_id, "loading", "x")
    await run_store.record_transition(runs[3].run_id, "loading", "x")
    newest_first = [r.run_id for r in reversed(runs)]
    pages = [await run_store.list_runs(limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [[r.run_id for r in page] for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:],
    ]
    loading = await run_store.list_runs(status="loading")
    assert [r.run_id for r in loading] == [runs[3].run_id, runs[1].run_id]
    assert await run_store.list_runs(status="completed") == []
    with pytest.raises(ValueError):
        await run_store.list_runs(status="bogus")
    assert DATASET.name == runs[0].dataset
