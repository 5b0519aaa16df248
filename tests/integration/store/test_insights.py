"""Per-sample scores (worst first) and the dashboard aggregates, computed in SQL on a real PostgreSQL."""

import uuid

import pytest

from mlops.store import RunNotFound, RunStore, SampleScore
from tests.integration.store.support import MakeRun

pytest_plugins = ["tests.fixtures.services"]


def _sample(idx: int, score: float | None) -> SampleScore:
    return SampleScore(idx, f"q{idx}", f"ref{idx}", f"resp{idx}", {"rouge_l": score}, score)


async def test_worst_samples_come_first_and_are_replaced(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    await run_store.save_samples(run.run_id, [_sample(0, 0.9), _sample(1, None), _sample(2, 0.1), _sample(3, 0.5)])
    worst = await run_store.worst_samples(run.run_id, limit=3)
    assert [s.idx for s in worst] == [2, 3, 0]
    assert worst[0] == _sample(2, 0.1)
    assert [s.idx for s in await run_store.worst_samples(run.run_id, limit=10)][-1] == 1  # unscored last
    await run_store.save_samples(run.run_id, [_sample(7, 0.3)])
    assert [s.idx for s in await run_store.worst_samples(run.run_id)] == [7]
    assert await run_store.worst_samples("not-a-uuid") == []
    with pytest.raises(RunNotFound):
        await run_store.save_samples(str(uuid.uuid4()), [_sample(0, 1.0)])


async def _finish(store: RunStore, run_id: str, statuses: list[str], decision: str | None) -> None:
    for status in statuses:
        await store.record_transition(run_id, status, status)
    await store.record_transition(run_id, "completed" if decision else "failed", "done", decision=decision)


async def test_dashboard_aggregates_runs_and_stage_durations(make_run: MakeRun, run_store: RunStore) -> None:
    empty = await run_store.dashboard()
    assert (empty.active_runs, empty.runs, empty.mean_ml_score, empty.success_rate) == (0, 0, None, None)
    assert empty.stage_seconds == {"training": None, "evaluation": None, "approval": None, "total": None}

    approved, rejected, failed, _active = [(await make_run()).run_id for _ in range(4)]
    stages = ["loading", "training", "evaluating", "awaiting_approval"]
    await _finish(run_store, approved, stages, "go_prod")
    await _finish(run_store, rejected, stages[:3], "rejected")
    await _finish(run_store, failed, ["loading"], None)
    for run_id, score in ((approved, 0.8), (rejected, 0.4)):
        await run_store._pool.execute(
            "UPDATE pipeline_runs SET ml_score = $2 WHERE run_id = $1", uuid.UUID(run_id), score
        )
    # Move every event of the approved run but the last one an hour back: its approval stage lasts an hour.
    await run_store._pool.execute(
        "UPDATE run_events SET at = at - interval '1 hour' WHERE run_id = $1 AND status <> 'completed'",
        uuid.UUID(approved),
    )

    board = await run_store.dashboard(days=30)
    assert (board.active_runs, board.runs, board.finished_runs) == (1, 4, 3)
    assert board.mean_ml_score == pytest.approx(0.6)
    assert board.success_rate == pytest.approx(2 / 3) and board.go_prod_rate == pytest.approx(1 / 3)
    assert [p["ml_score"] for p in board.scores] == [0.8, 0.4]
    assert {p["decision"] for p in board.scores} == {"go_prod", "rejected"}
    seconds = board.stage_seconds
    assert seconds["training"] is not None and seconds["evaluation"] is not None
    assert seconds["approval"] == pytest.approx(3600, abs=5)  # only the approved run waited for approval
    assert seconds["total"] == pytest.approx(3600 / 3, abs=5)  # mean of ~3600 s and two ~0 s runs
