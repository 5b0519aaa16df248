"""What the UI reads beyond the run row: per-sample scores (worst first) and the operations dashboard,
both computed in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from mlops.store.errors import RunNotFound
from mlops.store.rows import run_uuid

_KPIS = """
SELECT
    (SELECT count(*) FROM pipeline_runs WHERE status NOT IN ('completed', 'failed')) AS active_runs,
    avg(ml_score) AS mean_ml_score,
    count(*) FILTER (WHERE status IN ('completed', 'failed')) AS finished_runs,
    count(*) FILTER (WHERE status = 'completed') AS completed_runs,
    count(*) FILTER (WHERE decision = 'go_prod') AS go_prod_runs,
    count(*) AS runs
FROM pipeline_runs WHERE created_at >= now() - make_interval(days => $1)
"""
_SCORES = """
SELECT run_id, created_at, model_id, experiment_name, status, decision, ml_score, ml_score_threshold
FROM pipeline_runs
WHERE created_at >= now() - make_interval(days => $1) AND ml_score IS NOT NULL
ORDER BY created_at, run_id
"""
# Each transition lasts until the run's next transition; a stage's duration is the sum of the spans
# spent in its status (a run may record the same status twice to update fields). Total: first
# transition to the terminal one. Averages cover the runs that went through the stage.
_DURATIONS = """
WITH spans AS (
    SELECT e.run_id, e.status, e.at,
           lead(e.at) OVER (PARTITION BY e.run_id ORDER BY e.id) AS next_at
    FROM run_events e JOIN pipeline_runs r USING (run_id)
    WHERE e.kind = 'transition' AND r.created_at >= now() - make_interval(days => $1)
), per_run AS (
    SELECT run_id,
           sum(extract(epoch FROM next_at - at)) FILTER (WHERE status = 'training') AS training,
           sum(extract(epoch FROM next_at - at)) FILTER (WHERE status = 'evaluating') AS evaluation,
           sum(extract(epoch FROM next_at - at)) FILTER (WHERE status = 'awaiting_approval') AS approval,
           extract(epoch FROM max(at) FILTER (WHERE status IN ('completed', 'failed')) - min(at)) AS total
    FROM spans GROUP BY run_id
)
SELECT avg(training) AS training, avg(evaluation) AS evaluation, avg(approval) AS approval,
       avg(total) AS total
FROM per_run
"""


@dataclass(frozen=True)
class SampleScore:
    """One eval row as the model answered it, with its per-metric scores and weighted score."""

    idx: int
    question: str
    reference: str
    response: str
    scores: dict[str, float | None]
    score: float | None


@dataclass(frozen=True)
class Dashboard:
    """Aggregates over the runs created in the last ``days`` days (active runs: all of them)."""

    days: int
    active_runs: int
    runs: int
    finished_runs: int
    mean_ml_score: float | None
    success_rate: float | None  # completed / finished (completed or failed)
    go_prod_rate: float | None  # go_prod / finished
    stage_seconds: dict[str, float | None]
    scores: list[dict[str, Any]] = field(default_factory=list)


class InsightQueries:
    """The samples and dashboard part of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def save_samples(self, run_id: str, samples: Sequence[SampleScore]) -> None:
        """Replace the run's per-sample scores."""
        key = run_uuid(run_id)
        rows = [(key, s.idx, s.question, s.reference, s.response, dict(s.scores), s.score) for s in samples]
        async with self._pool.acquire() as conn, conn.transaction():
            if await conn.fetchval("SELECT 1 FROM pipeline_runs WHERE run_id = $1 FOR UPDATE", key) is None:
                raise RunNotFound(run_id)
            await conn.execute("DELETE FROM run_samples WHERE run_id = $1", key)
            await conn.executemany(
                "INSERT INTO run_samples (run_id, idx, question, reference, response, scores, score)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                rows,
            )

    async def worst_samples(self, run_id: str, limit: int = 5) -> list[SampleScore]:
        """The run's lowest-scoring samples first (unscored ones last); empty for an unknown run."""
        try:
            key = run_uuid(run_id)
        except RunNotFound:
            return []
        rows = await self._pool.fetch(
            "SELECT idx, question, reference, response, scores, score FROM run_samples WHERE run_id = $1"
            " ORDER BY score ASC NULLS LAST, idx LIMIT $2",
            key,
            limit,
        )
        return [SampleScore(**dict(row)) for row in rows]

    async def samples(self, run_id: str) -> list[SampleScore]:
        """All of the run's per-sample scores in eval-set order (what a comparison or a re-score reads)."""
        rows = await self._pool.fetch(
            "SELECT idx, question, reference, response, scores, score FROM run_samples WHERE run_id = $1 ORDER BY idx",
            run_uuid(run_id),
        )
        return [SampleScore(**dict(row)) for row in rows]

    async def save_champion_samples(
        self, name: str, version: str, eval_sha256: str, samples: Sequence[SampleScore], scored_by: str
    ) -> None:
        """Record a model version's per-sample scores on an eval set version (replacing any before)."""
        rows = [
            (name, version, eval_sha256, s.idx, s.question, s.reference, s.response, dict(s.scores), s.score)
            for s in samples
        ]
        key = (name, version, eval_sha256)
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM champion_samples WHERE model_name = $1 AND model_version = $2 AND eval_sha256 = $3", *key
            )
            await conn.executemany(
                "INSERT INTO champion_samples (model_name, model_version, eval_sha256, idx, question, reference,"
                " response, scores, score, scored_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                [(*row, run_uuid(scored_by)) for row in rows],
            )

    async def champion_samples(self, name: str, version: str, eval_sha256: str) -> list[SampleScore]:
        """A model version's per-sample scores on an eval set version, in eval-set order (empty: never scored)."""
        rows = await self._pool.fetch(
            "SELECT idx, question, reference, response, scores, score FROM champion_samples"
            " WHERE model_name = $1 AND model_version = $2 AND eval_sha256 = $3 ORDER BY idx",
            name,
            version,
            eval_sha256,
        )
        return [SampleScore(**dict(row)) for row in rows]

    async def save_comparison(self, run_id: str, eval_sha256: str, comparison: dict[str, Any]) -> None:
        """Record the eval set version the run was scored on and its comparison against the champion."""
        done = await self._pool.execute(
            "UPDATE pipeline_runs SET eval_sha256 = $2, comparison = $3 WHERE run_id = $1",
            run_uuid(run_id),
            eval_sha256,
            comparison,
        )
        if done.endswith(" 0"):
            raise RunNotFound(run_id)

    async def dashboard(self, days: int = 30) -> Dashboard:
        """Active runs, mean MLScore, success rates, MLScore per run and mean stage durations."""
        async with self._pool.acquire() as conn:
            kpis = await conn.fetchrow(_KPIS, days)
            scores = await conn.fetch(_SCORES, days)
            durations = await conn.fetchrow(_DURATIONS, days)
        finished = kpis["finished_runs"]
        return Dashboard(
            days=days,
            active_runs=kpis["active_runs"],
            runs=kpis["runs"],
            finished_runs=finished,
            mean_ml_score=kpis["mean_ml_score"],
            success_rate=kpis["completed_runs"] / finished if finished else None,
            go_prod_rate=kpis["go_prod_runs"] / finished if finished else None,
            stage_seconds={
                name: None if durations[name] is None else float(durations[name])
                for name in ("training", "evaluation", "approval", "total")
            },
            scores=[_score_point(row) for row in scores],
        )


def _score_point(row: asyncpg.Record) -> dict[str, Any]:
    values = dict(row)
    values["run_id"] = str(values["run_id"])
    created: datetime = values["created_at"]
    values["created_at"] = created.isoformat()
    return values
