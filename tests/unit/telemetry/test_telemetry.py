"""Spans around an activity carry the run id, and so do the spans started inside them."""

import logging
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from activities import record_status
from mlops import telemetry
from mlops.payloads import StatusUpdate


@pytest.fixture(scope="module")
def spans():
    telemetry.configure(telemetry.TelemetryConfig())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider), "telemetry.configure installs the SDK provider"
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def test_config_reads_app_insights_and_local_exporters():
    config = telemetry.TelemetryConfig.from_env(
        {
            "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=x",
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Authorization=AAD",
            "MLOPS_TELEMETRY_CONSOLE": "1",
        }
    )
    assert config.appinsights_connection_string == "InstrumentationKey=x"
    assert config.entra_auth and config.console
    assert telemetry.TelemetryConfig.from_env({}) == telemetry.TelemetryConfig()


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


class FakeStore:
    def __init__(self):
        self.transitions = []

    async def record_transition(self, run_id, status, message, **kwargs):
        with trace.get_tracer("asyncpg").start_as_current_span("INSERT run_events"):
            self.transitions.append((run_id, status))


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
