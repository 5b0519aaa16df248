"""A release run's evaluation from settings: the judge's verdicts land in the run store's PostgreSQL,
so the next evaluation of the same answers (another instance, another batch) makes no judge call."""

from __future__ import annotations

import asyncio

from mlops.evaluation.run import score_for_run
from mlops.evaluation.scoring import judge_metric_names
from mlops.settings import Settings
from mlops.store import RunStore
from tests.tools.mistral_stub import MistralStub, StubServer
from tests.tools.sample_rows import ROWS


async def test_run_evaluations_share_the_judge_cache_in_postgres(
    stub: MistralStub, stub_server: StubServer, run_store: RunStore, fresh_database: str
) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": fresh_database,
            "BLOB_CONNECTION_STRING": "UseDevelopmentStorage=true",
            "MLFLOW_TRACKING_URI": "sqlite:///unused.db",
            "AZURE_AI_ENDPOINT": stub_server.endpoint,
            "AZURE_AI_API_KEY": "test-key",
        }
    )
    first = await asyncio.to_thread(score_for_run, ROWS, judge_metric_names(ROWS), settings)
    calls = stub.stats()["chat_requests"] + stub.stats()["embedding_requests"]
    stored = await run_store._pool.fetchval("SELECT count(*) FROM judge_cache")
    assert first.judge_usage["chat_calls"] > 0 and stored >= first.judge_usage["chat_calls"]

    again = await asyncio.to_thread(score_for_run, ROWS, judge_metric_names(ROWS), settings)
    assert stub.stats()["chat_requests"] + stub.stats()["embedding_requests"] == calls
    assert again.judge_usage["chat_calls"] == 0 and again.samples == first.samples
