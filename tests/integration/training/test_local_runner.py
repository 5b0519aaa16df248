"""The local runner end to end: Azurite in, train.py on the tiny model, Azurite out, one event published."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.servicebus import ServiceBusClient, ServiceBusReceivedMessage

from devhost.servicebus import LocalServiceBusBroker
from devstack import AzuriteHandle, start_azurite
from mlops.blob import BlobStore
from mlops.events import TRAINING_DONE, TRAINING_FAILED, LifecycleEvent
from mlops.payloads import TrainingRequest
from mlops.training import launch_local_training
from mlops.training.local_runner import main as runner_main
from tests.fixtures.broker import start_local_broker

SUBSCRIPTION = "sub-training-events"


@pytest.fixture(scope="module")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzuriteHandle]:
    handle = start_azurite(tmp_path_factory.mktemp("azurite"))
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServiceBusBroker]:
    started = start_local_broker(tmp_path_factory.mktemp("servicebus") / "messages.sqlite3")
    yield started
    started.stop()


@pytest.fixture
def stack(
    azurite: AzuriteHandle, broker: LocalServiceBusBroker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> BlobStore:
    monkeypatch.setenv("BLOB_CONNECTION_STRING", azurite.connection_string)
    monkeypatch.setenv("ServiceBusConnection", broker.connection_string)
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/mlops")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    blob = BlobStore.from_connection_string(azurite.connection_string)
    blob.ensure_containers()
    return blob


def _request(blob: BlobStore, model: Path, data: Path, run_id: str) -> TrainingRequest:
    base = blob.upload_dir(model, "blob://model-outputs/base/tiny")
    train = blob.upload_file(data / "train.jsonl", f"blob://datasets/train/{run_id}.jsonl")
    evaluation = blob.upload_file(data / "eval.jsonl", f"blob://datasets/eval/{run_id}.jsonl")
    return TrainingRequest(
        run_id=run_id, mode="finetune", base_model_uri=base, train_uri=train, eval_uri=evaluation,
        experiment_name="runner-test", max_steps=2,
    )  # fmt: skip


def _receive(broker: LocalServiceBusBroker, run_id: str, timeout: float) -> ServiceBusReceivedMessage:
    deadline = time.monotonic() + timeout
    with (
        ServiceBusClient.from_connection_string(broker.connection_string) as client,
        client.get_subscription_receiver("mlops-events", SUBSCRIPTION) as receiver,
    ):
        while time.monotonic() < deadline:
            for message in receiver.receive_messages(max_message_count=10, max_wait_time=2):
                receiver.complete_message(message)
                if LifecycleEvent.parse(b"".join(message.body), message.application_properties).run_id == run_id:
                    return message
    raise AssertionError(f"no event for {run_id} within {timeout} s")


def test_detached_runner_trains_uploads_and_publishes_done(
    stack: BlobStore, broker: LocalServiceBusBroker, tiny_model_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    request = _request(stack, tiny_model_dir, data_dir, "run-done")
    assert launch_local_training(request, model_cache_dir=tmp_path / "models") == "local-finetune-run-done"
    message = _receive(broker, "run-done", timeout=180)
    event = LifecycleEvent.parse(b"".join(message.body), message.application_properties)
    assert (event.event, event.task_type) == (TRAINING_DONE, "finetune")
    assert event.payload["model_uri"] == "blob://model-outputs/runs/run-done/finetuned"
    assert {"eval_loss", "perplexity", "train_loss"} <= set(event.payload["metrics"])
    rows = stack.read_text(event.payload["predictions_uri"]).splitlines()
    assert len(rows) == 5 and set(json.loads(rows[0])) == {"question", "context", "reference", "response"}
    assert stack.exists("blob://model-outputs/runs/run-done/finetuned/model.safetensors")
    assert "step 2 train_loss" in stack.read_text("blob://model-outputs/runs/run-done/train.log")
    assert (tmp_path / "jobs" / "run-done.log").is_file()


def test_runner_publishes_failed_with_the_jobs_last_lines(
    stack: BlobStore, broker: LocalServiceBusBroker, tiny_model_dir: Path, data_dir: Path
) -> None:
    request = _request(stack, tiny_model_dir, data_dir, "run-bad")
    stack.upload_bytes(request.eval_uri, b'{"question": "q", "context": "c", "answer": "a"}\n{broken\n')
    argv = ["--run-id", "run-bad", "--base-model", request.base_model_uri, "--train", request.train_uri]
    assert runner_main([*argv, "--eval", request.eval_uri, "--mode", "generate"]) == 0
    message = _receive(broker, "run-bad", timeout=30)
    event = LifecycleEvent.parse(b"".join(message.body), message.application_properties)
    assert (event.event, event.task_type) == (TRAINING_FAILED, "evaluate")
    assert "eval.jsonl:2: not valid JSON" in event.payload["reason"]
