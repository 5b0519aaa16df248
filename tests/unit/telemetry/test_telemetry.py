"""Spans around an activity carry the run id, and so do the spans started inside them."""

import base64
import inspect
import json
import logging
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import azure.durable_functions as df
import azure.functions as func
import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from activities import BLUEPRINTS as ACTIVITY_BLUEPRINTS
from activities import evaluate_model, record_status
from devhost.app.bindings import build_user_function
from mlops import events, telemetry
from mlops.payloads import PipelineInput, StatusUpdate
from mlops.settings import telemetry_config
from triggers import http_identity, http_runs, servicebus_handlers


@pytest.fixture(scope="module")
def spans():
    telemetry.configure(telemetry.TelemetryConfig())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider), "telemetry.configure installs the SDK provider"
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def test_config_reads_app_insights_and_local_exporters():
    config = telemetry_config(
        {
            "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=x",
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Authorization=AAD",
            "MLOPS_TELEMETRY_CONSOLE": "1",
        }
    )
    assert config.appinsights_connection_string == "InstrumentationKey=x"
    assert config.entra_auth and config.console
    assert telemetry_config({}) == telemetry.TelemetryConfig()


def test_child_spans_inherit_the_run_id(spans):
    spans.clear()
    with (
        telemetry.run_span("servicebus start_release_pipeline", "run-42", subscription="sub-orchestrator"),
        trace.get_tracer("sdk").start_as_current_span("ServiceBus.send"),
    ):
        pass
    by_name = {span.name: span for span in spans.get_finished_spans()}
    assert by_name["servicebus start_release_pipeline"].attributes[telemetry.RUN_ID] == "run-42"
    assert by_name["servicebus start_release_pipeline"].attributes["mlops.subscription"] == "sub-orchestrator"
    assert by_name["ServiceBus.send"].attributes[telemetry.RUN_ID] == "run-42"
    with trace.get_tracer("sdk").start_as_current_span("outside"):
        pass
    assert telemetry.RUN_ID not in (spans.get_finished_spans()[-1].attributes or {})


ENTERED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class FakeStore:
    """The run's row: status and updated_at (written by transitions only); a repeated status is a no-op."""

    def __init__(self):
        self.transitions = []
        self.run = SimpleNamespace(status="training", updated_at=ENTERED)

    async def get_run(self, run_id):
        return self.run

    async def record_transition(self, run_id, status, message, **kwargs):
        with trace.get_tracer("asyncpg").start_as_current_span("INSERT run_events"):
            if status != self.run.status:
                self.transitions.append((run_id, status))
                self.run = SimpleNamespace(status=status, updated_at=self.run.updated_at + timedelta(seconds=90))
            return self.run


class FakeServices:
    def __init__(self):
        self.store = FakeStore()


async def test_record_status_activity_is_traced_and_logged(spans, monkeypatch, caplog):
    fake = FakeServices()

    async def services():
        return fake

    monkeypatch.setattr(record_status, "services", services)
    spans.clear()
    activity = record_status.bp._function_builders[0]._function._func
    update = StatusUpdate(run_id="run-7", status="evaluating", message="scoring")
    with caplog.at_level(logging.INFO, logger="mlops.telemetry"):
        await activity(update.to_json())
    assert fake.store.transitions == [("run-7", "evaluating")]
    names = {span.name: span.attributes for span in spans.get_finished_spans()}
    assert names["activity record_status"][telemetry.RUN_ID] == "run-7"
    assert names["activity record_status"]["mlops.status"] == "evaluating"
    assert names["INSERT run_events"][telemetry.RUN_ID] == "run-7"
    (record,) = [r for r in caplog.records if r.name == "mlops.telemetry"]
    assert getattr(record, telemetry.RUN_ID) == "run-7"
    assert getattr(record, telemetry.STATUS) == "evaluating"


async def test_record_status_records_the_duration_of_the_stage_it_closes(spans, monkeypatch):
    fake = FakeServices()
    durations: list[tuple[str, str, float]] = []

    async def services():
        return fake

    monkeypatch.setattr(record_status, "services", services)
    monkeypatch.setattr(telemetry, "record_stage_duration", lambda *args: durations.append(args))
    activity = record_status.bp._function_builders[0]._function._func
    update = StatusUpdate(run_id="run-8", status="evaluating", message="scoring")
    await activity(update.to_json())
    await activity(update.to_json())  # a re-run changes nothing and records no second duration
    assert durations == [("run-8", "training", 90.0)]


def test_custom_metrics_carry_the_run_id_and_stage():
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    telemetry.record_mlscore("run-1", 0.8)
    telemetry.record_stage_duration("run-1", "training", 1800.0)
    telemetry.record_training_throughput("run-1", 1234.5)
    telemetry.count_judge_calls("run-1", 3)
    data = reader.get_metrics_data()
    assert data is not None
    points: dict[str, Any] = {
        metric.name: metric.data.data_points[0]
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }
    assert set(points) >= {
        "mlops.mlscore",
        "mlops.stage.duration",
        "mlops.training.tokens_per_second",
        "mlops.judge.calls",
    }
    assert points["mlops.mlscore"].sum == pytest.approx(0.8)
    assert points["mlops.stage.duration"].attributes == {telemetry.RUN_ID: "run-1", telemetry.STAGE: "training"}
    assert points["mlops.judge.calls"].value == 3


def _user_function(blueprint, name):
    (builder,) = [b for b in blueprint._function_builders if b._function.get_function_name() == name]
    return builder._function.get_user_function()


def _client_handler(blueprint, name):
    """The handler under durable_client_input's middleware (which would build the client from host JSON)."""
    return _user_function(blueprint, name).__wrapped__


class FakeMessage:
    """What the handlers read of a func.ServiceBusMessage."""

    def __init__(self, event: events.LifecycleEvent) -> None:
        self._body = event.body().encode()
        self.application_properties = event.application_properties()
        self.user_properties: dict[str, str] = {}
        self.delivery_count = 1

    def get_body(self) -> bytes:
        return self._body


class FakeDurableClient:
    """A test double of the Durable Functions client (the host boundary)."""

    def __init__(self, runtime_status=None):
        self.started: list[str] = []
        self.raised: list[tuple[str, str]] = []
        self.runtime_status = runtime_status

    async def get_status(self, instance_id):
        if self.runtime_status is None:
            return None
        return SimpleNamespace(runtime_status=self.runtime_status)

    async def start_new(self, name, instance_id, client_input):
        with trace.get_tracer("durable").start_as_current_span("start_new"):
            self.started.append(instance_id)

    async def raise_event(self, instance_id, event_name, event_data):
        self.raised.append((instance_id, event_name))


PIPELINE = PipelineInput(
    run_id="run-sb", model_id="org/model", dataset="rag_qa", train_uri="blob://datasets/t.jsonl",
    eval_uri="blob://datasets/e.jsonl", experiment_name="exp", task_type="finetune", ml_score_threshold=0.7,
    metric_weights={"exact_match": 1.0}, training_timeout_minutes=60, approval_timeout_hours=72,
)  # fmt: skip


async def test_service_bus_start_handler_span_carries_the_run_id(spans):
    handler = _client_handler(servicebus_handlers.bp, "start_release_pipeline")
    client = FakeDurableClient()
    spans.clear()
    await handler(FakeMessage(events.LifecycleEvent(events.RUN_CREATED, "run-sb", PIPELINE.to_json())), client)
    assert client.started == ["run-sb"]
    by_name = {span.name: span.attributes for span in spans.get_finished_spans()}
    handler_span = by_name["servicebus start_release_pipeline"]
    assert handler_span[telemetry.RUN_ID] == "run-sb"
    assert handler_span["mlops.subscription"] == "sub-orchestrator"
    assert handler_span["mlops.event"] == events.RUN_CREATED
    assert by_name["start_new"][telemetry.RUN_ID] == "run-sb"


async def test_training_completion_span_and_throughput_metric(spans, monkeypatch):
    recorded: list[tuple[str, float]] = []
    monkeypatch.setattr(telemetry, "record_training_throughput", lambda run_id, v: recorded.append((run_id, v)))
    handler = _client_handler(servicebus_handlers.bp, "complete_training")
    client = FakeDurableClient(df.OrchestrationRuntimeStatus.Running)
    payload = {"model_uri": "blob://m", "predictions_uri": "blob://p", "metrics": {"tokens_per_s": 812.5}}
    spans.clear()
    await handler(FakeMessage(events.LifecycleEvent(events.TRAINING_DONE, "run-tr", payload)), client)
    assert client.raised == [("run-tr", "TrainingCompleted")]
    (span,) = [s for s in spans.get_finished_spans() if s.name == "servicebus complete_training"]
    assert span.attributes[telemetry.RUN_ID] == "run-tr"
    assert recorded == [("run-tr", 812.5)]


async def test_every_activity_runs_in_a_span_and_keeps_its_binding_signature(spans, monkeypatch):
    for blueprint in ACTIVITY_BLUEPRINTS:
        for builder in blueprint._function_builders:
            user_function = builder._function.get_user_function()
            assert user_function.__wrapped__, builder._function.get_function_name()
            assert list(inspect.signature(user_function).parameters) == ["payload"]
            assert typing.get_type_hints(user_function)["payload"] == dict[str, Any]
            bound = build_user_function(builder._function, Path("."))  # the worker's binding validation
            assert bound.is_async and bound.trigger_param == "payload"
    traced = telemetry.traced_activity(_no_run_activity)
    spans.clear()
    assert await traced({"job_name": "j"}) == "j"
    (span,) = spans.get_finished_spans()
    assert span.name == "activity _no_run_activity"
    assert telemetry.RUN_ID not in (span.attributes or {})


async def _no_run_activity(payload: dict[str, Any]) -> str:
    return str(payload["job_name"])


def test_evaluation_metrics_mlscore_and_judge_calls(monkeypatch):
    seen: list[tuple[str, str, float]] = []
    monkeypatch.setattr(telemetry, "record_mlscore", lambda run_id, v: seen.append(("mlscore", run_id, v)))
    monkeypatch.setattr(telemetry, "count_judge_calls", lambda run_id, v: seen.append(("judge", run_id, v)))
    evaluate_model._record_metrics("run-e", 0.75, {"chat_calls": 10.0, "embedding_calls": 2.0, "cache_hits": 4.0})
    evaluate_model._record_metrics("run-f", None, {})  # a failed evaluation without a judge: nothing
    assert seen == [("mlscore", "run-e", 0.75), ("judge", "run-e", 12)]


def test_the_judge_wait_for_the_shared_rate_limit_is_recorded_with_the_limit(monkeypatch):
    seen: list[tuple[str, float, float]] = []
    monkeypatch.setattr(telemetry, "record_judge_rate_wait", lambda run_id, s, limit: seen.append((run_id, s, limit)))
    usage = {"chat_calls": 3.0, "rate_limit_wait_s": 1.5, "limit_requests_per_minute": 1000.0}
    evaluate_model._record_metrics("run-w", 0.8, usage)
    evaluate_model._record_metrics("run-x", 0.8, {"chat_calls": 3.0})  # no shared limit configured: nothing
    assert seen == [("run-w", 1.5, 1000.0)]


async def test_http_create_run_span_gets_the_new_run_id(spans, monkeypatch):
    async def create_run(svc, request, created_by):
        return SimpleNamespace(run_id="run-http", status="pending")

    async def services():
        return SimpleNamespace(settings=SimpleNamespace(auth_enabled=True))

    monkeypatch.setattr(http_runs.run_use_cases, "create_run", create_run)
    monkeypatch.setattr(http_runs, "services", services)
    monkeypatch.setattr(http_identity, "services", services)
    monkeypatch.setattr(http_runs, "parse_body", lambda model, body: object())
    handler = _user_function(http_runs.bp, "create_run")
    spans.clear()
    principal = {
        "claims": [{"typ": "oid", "val": "o-1"}, {"typ": "name", "val": "r"}, {"typ": "roles", "val": "requester"}]
    }
    headers = {"x-ms-client-principal": base64.b64encode(json.dumps(principal).encode()).decode()}
    response = await handler(func.HttpRequest("POST", "/api/runs", body=b"{}", headers=headers))
    assert response.status_code == 202
    (span,) = [s for s in spans.get_finished_spans() if s.name == "http create_run"]
    assert span.attributes[telemetry.RUN_ID] == "run-http"
