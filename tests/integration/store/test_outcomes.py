import asyncio
import math
import uuid

import pytest

from mlops.store import AlreadyDecided, ApprovalRecord, RunNotFound, RunStore
from tests.integration.store.support import MakeRun

pytest_plugins = ["tests.fixtures.services"]


async def test_results_keep_nan_as_null_and_are_replaced(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    await run_store.save_results(
        run.run_id,
        {"rouge_l": 0.5, "bleu": math.nan, "exact_match": None},
        {"rouge_l": 0.6, "context_recall": 0.4},
    )
    assert await run_store.get_results(run.run_id) == {
        "bleu": None,
        "context_recall": None,
        "exact_match": None,
        "rouge_l": 0.5,
    }
    assert await run_store.get_weights(run.run_id) == {
        "bleu": 0.0,
        "context_recall": 0.4,
        "exact_match": 0.0,
        "rouge_l": 0.6,
    }
    await run_store.save_results(run.run_id, {"rouge_l": 0.75}, {"rouge_l": 1.0})
    assert await run_store.get_results(run.run_id) == {"rouge_l": 0.75}


async def test_results_for_an_unknown_run(run_store: RunStore) -> None:
    with pytest.raises(RunNotFound):
        await run_store.save_results(str(uuid.uuid4()), {"rouge_l": 1.0}, {})
    assert await run_store.get_results(str(uuid.uuid4())) == {}


async def test_one_decision_per_run(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    assert await run_store.get_approval(run.run_id) is None
    first = await run_store.record_approval(run.run_id, "approve", "ann", "ship it", "teams")
    assert (first.decision, first.approver, first.comment, first.via) == (
        "approve",
        "ann",
        "ship it",
        "teams",
    )
    with pytest.raises(AlreadyDecided) as raised:
        await run_store.record_approval(run.run_id, "reject", "bob", None, "api")
    assert raised.value.existing == first == await run_store.get_approval(run.run_id)
    events = await run_store.list_events(run.run_id)
    assert [(e.kind, e.details.get("approver")) for e in events[1:]] == [("approval", "ann")]


async def test_concurrent_decisions_have_one_winner(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    attempts = [
        run_store.record_approval(run.run_id, "approve" if i % 2 else "reject", f"user{i}", None, "api")
        for i in range(8)
    ]
    outcomes = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [o for o in outcomes if isinstance(o, ApprovalRecord)]
    losers = [o for o in outcomes if isinstance(o, AlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 7
    assert all(loser.existing == winners[0] for loser in losers)
    assert await run_store.get_approval(run.run_id) == winners[0]


async def test_a_withdrawn_decision_can_be_taken_again(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    await run_store.record_approval(run.run_id, "approve", "ann", None, "ui")
    await run_store.withdraw_approval(run.run_id)
    assert await run_store.get_approval(run.run_id) is None
    again = await run_store.record_approval(run.run_id, "reject", "bob", "no", "ui")
    assert again.decision == "reject"
    messages = [e.message for e in await run_store.list_events(run.run_id) if e.kind == "approval"]
    assert messages == [
        "approve by ann via ui",
        "decision withdrawn: it could not be delivered",
        "reject by bob via ui",
    ]


async def test_approval_validation(make_run: MakeRun, run_store: RunStore) -> None:
    with pytest.raises(RunNotFound):
        await run_store.record_approval(str(uuid.uuid4()), "approve", "ann", None, "api")
    run = await make_run()
    with pytest.raises(ValueError, match="decision"):
        await run_store.record_approval(run.run_id, "maybe", "ann", None, "api")
