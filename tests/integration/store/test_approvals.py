"""Votes and the one outcome per run, on real PostgreSQL: N distinct approvals, any reject, the expiry race."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mlops.store import (
    AlreadyDecided,
    AlreadyVoted,
    ApprovalWindowClosed,
    Ballot,
    NewVote,
    NotAwaitingDecision,
    RunFields,
    RunNotFound,
    RunStore,
)
from tests.integration.store.support import MakeRun

pytest_plugins = ["tests.fixtures.services"]


def _vote(name: str, decision: str = "approve", via: str = "api") -> NewVote:
    return NewVote(str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), name, decision, f"{name} says {decision}", via)


async def _awaiting(make_run: MakeRun, run_store: RunStore, required: int = 1, deadline_h: float = 72) -> str:
    run = await make_run(approvals_required=required)
    deadline = (datetime.now(UTC) + timedelta(hours=deadline_h)).isoformat()
    fields = RunFields(approval_deadline=deadline)
    await run_store.record_transition(run.run_id, "awaiting_approval", "awaiting", fields=fields)
    return run.run_id


async def test_one_approval_decides_a_run_that_needs_one(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store)
    ballot = await run_store.cast_vote(run_id, _vote("ann"))
    assert ballot.outcome is not None and (ballot.approvals, ballot.required) == (1, 1)
    assert await run_store.get_approval(run_id) == ballot.outcome
    events = [e for e in await run_store.list_events(run_id) if e.kind == "approval"]
    assert [e.message for e in events] == ["approve by ann via api (1 of 1 approvals)"]


async def test_two_distinct_approvals_decide_a_run_that_needs_two(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store, required=2)
    first = await run_store.cast_vote(run_id, _vote("ann"))
    assert (first.approvals, first.outcome) == (1, None) and await run_store.get_approval(run_id) is None
    second = await run_store.cast_vote(run_id, _vote("bob"))
    assert second.approvals == 2 and second.outcome is not None and second.outcome.approver == "bob"
    assert [v.approver for v in await run_store.list_votes(run_id)] == ["ann", "bob"]


async def test_the_same_approver_twice_is_refused_and_not_counted(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store, required=2)
    await run_store.cast_vote(run_id, _vote("ann"))
    with pytest.raises(AlreadyVoted) as again:
        await run_store.cast_vote(run_id, _vote("ann", via="teams_link"))
    assert again.value.existing.via == "api" and len(await run_store.list_votes(run_id)) == 1
    assert await run_store.get_approval(run_id) is None


async def test_any_rejection_rejects(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store, required=2)
    await run_store.cast_vote(run_id, _vote("ann"))
    rejected = await run_store.cast_vote(run_id, _vote("bob", "reject"))
    assert rejected.outcome is not None and rejected.outcome.decision == "reject"
    with pytest.raises(AlreadyDecided):
        await run_store.cast_vote(run_id, _vote("cy"))


async def test_concurrent_votes_have_one_winner(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store)
    attempts = [run_store.cast_vote(run_id, _vote(f"user{i}", "approve" if i % 2 else "reject")) for i in range(8)]
    outcomes = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [o for o in outcomes if isinstance(o, Ballot)]
    losers = [o for o in outcomes if isinstance(o, AlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 7 and len(await run_store.list_votes(run_id)) == 1
    assert all(loser.existing == winners[0].outcome for loser in losers)


async def test_a_vote_after_the_expiry_won_is_refused_and_not_recorded(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store)
    closed = await run_store.close_approval(run_id)
    assert closed.decision == "expired" and await run_store.get_approval(run_id) is None
    with pytest.raises(ApprovalWindowClosed):
        await run_store.cast_vote(run_id, _vote("ann"))
    assert await run_store.list_votes(run_id) == []


async def test_a_decision_the_pipeline_never_saw_is_withdrawn_when_the_deadline_wins(
    make_run: MakeRun, run_store: RunStore
) -> None:
    run_id = await _awaiting(make_run, run_store)
    await run_store.cast_vote(run_id, _vote("ann"))
    assert (await run_store.close_approval(run_id)).decision == "expired"
    assert await run_store.get_approval(run_id) is None and await run_store.list_votes(run_id) == []
    messages = [e.message for e in await run_store.list_events(run_id) if e.kind == "approval"]
    assert "decision withdrawn: the deadline passed before it reached the pipeline" in messages


async def test_a_vote_on_an_expired_run_is_refused(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store)
    await run_store.record_transition(run_id, "completed", "no decision", decision="expired")
    with pytest.raises(ApprovalWindowClosed):
        await run_store.cast_vote(run_id, _vote("ann"))


async def test_a_vote_past_the_deadline_is_refused_and_not_recorded(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store, deadline_h=-1)
    with pytest.raises(ApprovalWindowClosed):
        await run_store.cast_vote(run_id, _vote("ann"))
    assert await run_store.list_votes(run_id) == [] and await run_store.get_outcome(run_id) is None


async def test_a_run_not_awaiting_approval_takes_no_vote(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    with pytest.raises(NotAwaitingDecision):
        await run_store.cast_vote(run.run_id, _vote("ann"))
    assert await run_store.list_votes(run.run_id) == []


async def test_a_withdrawn_vote_can_be_cast_again(make_run: MakeRun, run_store: RunStore) -> None:
    run_id = await _awaiting(make_run, run_store)
    first = await run_store.cast_vote(run_id, _vote("ann"))
    await run_store.withdraw_vote(run_id, first.vote.approver_oid)
    assert await run_store.get_approval(run_id) is None and await run_store.list_votes(run_id) == []
    again = await run_store.cast_vote(run_id, _vote("ann", "reject"))
    assert again.outcome is not None and again.outcome.decision == "reject"
    messages = [e.message for e in await run_store.list_events(run_id) if e.kind == "approval"]
    assert messages[1] == "decision withdrawn: it could not be delivered"


async def test_vote_validation(make_run: MakeRun, run_store: RunStore) -> None:
    with pytest.raises(RunNotFound):
        await run_store.cast_vote(str(uuid.uuid4()), _vote("ann"))
    run_id = await _awaiting(make_run, run_store)
    with pytest.raises(ValueError, match="decision"):
        await run_store.cast_vote(run_id, _vote("ann", "maybe"))
