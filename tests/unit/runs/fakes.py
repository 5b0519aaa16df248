"""In-memory fakes of the ports mlops.run_use_cases uses: they subclass the real adapters and override only what the
use cases call, so anything else a use case touched would fail (there is no pool behind them)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.servicebus import ServiceBusMessage

from mlops.bootstrap import Services
from mlops.events import EventPublisher
from mlops.settings import Settings
from mlops.store import ApprovalRecord, DatasetRecord, NewRun, RunEvent, RunRecord, RunStore, VoteRecord
from mlops.store.outbox import OutboxMessage, Publish
from mlops.training.backends import LocalTrainingBackend

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ENV = {"DATABASE_URL": "postgresql://x", "BLOB_CONNECTION_STRING": "x", "MLFLOW_TRACKING_URI": "sqlite:///x"}
DATASET = DatasetRecord(
    name="rag_qa", domain="qa", description="", train_uri="blob://datasets/t.jsonl",
    eval_uri="blob://datasets/e.jsonl", train_rows=10, eval_rows=5,
)  # fmt: skip


class FakeStore(RunStore):
    """Datasets, runs, their outbox rows (``sent`` once published), results, events, approvals and votes."""

    def __init__(self, datasets: Sequence[DatasetRecord] = (DATASET,)) -> None:
        self.datasets = {d.name: d for d in datasets}
        self.runs: dict[str, RunRecord] = {}
        self.outbox: dict[str, OutboxMessage] = {}
        self.sent: list[str] = []
        self.results: dict[str, dict[str, float | None]] = {}
        self.events: dict[str, list[RunEvent]] = {}
        self.approvals: dict[str, ApprovalRecord] = {}
        self.votes: dict[str, list[VoteRecord]] = {}

    async def get_dataset(self, name: str) -> DatasetRecord | None:
        return self.datasets.get(name)

    async def create_run(
        self, new: NewRun, *, before_commit: Any = None, outbox: Sequence[OutboxMessage] = ()
    ) -> RunRecord:
        run = RunRecord(
            run_id=str(new.run_id), status="pending", decision=None, model_id=new.model_id, dataset=new.dataset,
            experiment_name=new.experiment_name, task_type=new.task_type, ml_score_threshold=new.ml_score_threshold,
            metric_weights=dict(new.metric_weights), ml_score=None, base_model_uri=None, finetuned_model_uri=None,
            registered_model=None, training_job=None, failure_reason=None, created_by=new.created_by,
            created_at=NOW, updated_at=NOW, created_by_oid=new.created_by_oid,
            approvals_required=new.approvals_required, gate_policy=dict(new.gate_policy or {}),
            policy_version=new.policy_version, weight_profile=new.weight_profile,
        )  # fmt: skip
        self.runs[run.run_id] = run
        self.outbox.update({m.message_id: m for m in outbox})
        return run

    async def relay_outbox(self, publish: Publish, *, message_ids: Sequence[str] | None = None, limit: int = 50) -> int:
        """As the real relay: each unsent row published and marked sent; a failed publish counted and left."""
        sent = 0
        for message_id, message in list(self.outbox.items())[:limit]:
            if message_id in self.sent or (message_ids is not None and message_id not in message_ids):
                continue
            try:
                await publish(message)
            except Exception:
                self.outbox[message_id] = replace(message, attempts=message.attempts + 1)
                continue
            self.sent.append(message_id)
            sent += 1
        return sent

    async def get_run(self, run_id: str) -> RunRecord | None:
        return self.runs.get(run_id)

    async def get_results(self, run_id: str) -> dict[str, float | None]:
        return self.results.get(run_id, {})

    async def list_events(self, run_id: str) -> list[RunEvent]:
        return self.events.get(run_id, [])

    async def get_approval(self, run_id: str) -> ApprovalRecord | None:
        return self.approvals.get(run_id)

    async def list_votes(self, run_id: str) -> list[VoteRecord]:
        return self.votes.get(run_id, [])


class FakePublisher(EventPublisher):
    """The topic: ``sent`` holds each message; ``down`` makes every send fail as a broker outage does."""

    def __init__(self, down: bool = False) -> None:
        self.sent: list[ServiceBusMessage] = []
        self.down = down

    async def send(self, message: ServiceBusMessage) -> None:
        if self.down:
            raise ConnectionError("broker unreachable")
        self.sent.append(message)


def fake_services(store: FakeStore | None = None, publisher: FakePublisher | None = None) -> Services:
    """Services for the use cases: the fakes, real settings, the real local job backend over an empty jobs
    directory (no job queued); no blob or registry is used."""
    none: Any = None
    settings = Settings.from_env(ENV)
    return Services(
        settings=settings,
        store=store or FakeStore(),
        blob=none,
        registry=none,
        publisher=publisher or FakePublisher(),
        training=LocalTrainingBackend(Path(tempfile.mkdtemp(prefix="no-jobs-"))),
    )
