"""OpenTelemetry for the app: traces, metrics and structured logs, with the run id on every span.

Configured once from the settings (``configure(settings.telemetry)``, or ``ensure_configured()`` at an entry
point that runs first), never at import.
In Azure the spans go to Application Insights (azure-monitor-opentelemetry, Entra auth when
APPLICATIONINSIGHTS_AUTHENTICATION_STRING says so); locally to the console (MLOPS_TELEMETRY_CONSOLE=1)
or an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT).
Without any of them the API below still works and records nothing (OpenTelemetry's no-op providers).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from opentelemetry import baggage, context, metrics, trace
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter

from mlops import faults
from mlops.redaction import UrlRedactingSpanProcessor

RUN_ID = "mlops.run_id"
STATUS = "mlops.status"
STAGE = "mlops.stage"
INSTRUMENTATION = "mlops"


log = logging.getLogger(__name__)
_configured: list[TelemetryConfig] = []


@dataclass(frozen=True)
class TelemetryConfig:
    """Where spans go (built from the settings by mlops.settings)."""

    appinsights_connection_string: str | None = None
    entra_auth: bool = False
    service_name: str = "mlops-release-platform"
    otlp_endpoint: str | None = None
    console: bool = False


class RunIdSpanProcessor(SpanProcessor):
    """Copies the run id from the baggage of the current context onto every span started under it."""

    def on_start(self, span: Span, parent_context: context.Context | None = None) -> None:
        run_id = baggage.get_baggage(RUN_ID, parent_context)
        if run_id is not None:
            span.set_attribute(RUN_ID, str(run_id))

    def on_end(self, span: ReadableSpan) -> None:
        return None


def configure(config: TelemetryConfig, *, exporter: SpanExporter | None = None) -> bool:
    """Install the exporters once per process; ``exporter`` (tests) replaces them. True when installed now."""
    if _configured:
        return False
    if config.appinsights_connection_string and exporter is None:
        _configure_azure_monitor(config)
    else:
        provider = TracerProvider(resource=_resource(config))
        provider.add_span_processor(RunIdSpanProcessor())
        provider.add_span_processor(UrlRedactingSpanProcessor())
        for span_exporter in [exporter] if exporter is not None else local_exporters(config):
            provider.add_span_processor(SimpleSpanProcessor(span_exporter))
        trace.set_tracer_provider(provider)
    _configured.append(config)
    return True


def ensure_configured() -> None:
    """Configure from the environment unless done already: entry points call it before their first span."""
    if not _configured:
        from mlops.settings import telemetry_config  # mlops.settings imports this module

        configure(telemetry_config(os.environ))


def _configure_azure_monitor(config: TelemetryConfig) -> None:
    from azure.monitor.opentelemetry import configure_azure_monitor

    options: dict[str, Any] = {
        "connection_string": config.appinsights_connection_string,
        "resource": _resource(config),
        "span_processors": [RunIdSpanProcessor(), UrlRedactingSpanProcessor()],
        "logger_name": INSTRUMENTATION,
    }
    if config.entra_auth:
        from azure.identity import DefaultAzureCredential

        options["credential"] = DefaultAzureCredential()
    configure_azure_monitor(**options)


def local_exporters(config: TelemetryConfig) -> list[SpanExporter]:
    exporters: list[SpanExporter] = []
    if config.console:
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporters.append(ConsoleSpanExporter())
    if config.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporters.append(OTLPSpanExporter(endpoint=f"{config.otlp_endpoint.rstrip('/')}/v1/traces"))
    return exporters


def _resource(config: TelemetryConfig) -> Any:
    from opentelemetry.sdk.resources import Resource

    return Resource.create({"service.name": config.service_name})


@contextmanager
def run_span(name: str, run_id: str, **attributes: str | int | float | bool) -> Iterator[trace.Span]:
    """A span for work on one run; spans started inside it (HTTP, Service Bus, SDK calls) carry the run id too."""
    token = context.attach(baggage.set_baggage(RUN_ID, run_id))
    try:
        with trace.get_tracer(INSTRUMENTATION).start_as_current_span(name) as span:
            span.set_attribute(RUN_ID, run_id)
            for key, value in attributes.items():
                span.set_attribute(f"mlops.{key}", value)
            yield span
    finally:
        context.detach(token)


@contextmanager
def trigger_span(name: str, run_id: str | None = None, **attributes: str | int | float | bool) -> Iterator[trace.Span]:
    """The span of one trigger invocation (HTTP, Service Bus): a run span when the run id is known up front.

    Configures telemetry first (a trigger may run before anything built the services); when the run id is
    only known later (``POST /runs``), ``set_run_id`` puts it on the span.
    """
    ensure_configured()
    if run_id is not None:
        with run_span(name, run_id, **attributes) as span:
            yield span
        return
    with trace.get_tracer(INSTRUMENTATION).start_as_current_span(name) as span:
        for key, value in attributes.items():
            span.set_attribute(f"mlops.{key}", value)
        yield span


def set_run_id(span: trace.Span, run_id: str) -> None:
    """Put the run id on a span started before it was known."""
    span.set_attribute(RUN_ID, run_id)


def annotate(**attributes: str | int | float | bool) -> None:
    """Add ``mlops.<key>`` attributes to the current span."""
    span = trace.get_current_span()
    for key, value in attributes.items():
        span.set_attribute(f"mlops.{key}", value)


_Result = TypeVar("_Result")


def traced_activity(
    activity: Callable[[dict[str, Any]], Awaitable[_Result]],
) -> Callable[[dict[str, Any]], Awaitable[_Result]]:
    """Run an activity inside the span ``activity <name>``, a run span when its payload names ``run_id``.

    Applied under ``@bp.activity_trigger``; ``functools.wraps`` keeps the name, signature and type hints
    that the Functions worker binds the payload by.
    """
    name = f"activity {activity.__name__}"

    @functools.wraps(activity)
    async def traced(payload: dict[str, Any]) -> _Result:
        run_id = payload.get("run_id") if isinstance(payload, dict) else None
        with trigger_span(name, str(run_id) if run_id else None):
            result = await activity(payload)
            faults.after_activity(activity.__name__, payload)
            return result

    return traced


def log_status(run_id: str, status: str, message: str = "") -> None:
    """A structured log of a status transition (alerts and the workbook read mlops.run_id / mlops.status)."""
    log.info("run %s is %s %s", run_id, status, message, extra={RUN_ID: run_id, STATUS: status})


def record_mlscore(run_id: str, score: float) -> None:
    _histogram("mlops.mlscore", "1", "MLScore of an evaluated run").record(score, {RUN_ID: run_id})


def record_stage_duration(run_id: str, stage: str, seconds: float) -> None:
    _histogram("mlops.stage.duration", "s", "Time a run spent in a stage").record(
        seconds, {RUN_ID: run_id, STAGE: stage}
    )


def record_training_throughput(run_id: str, tokens_per_second: float) -> None:
    _histogram("mlops.training.tokens_per_second", "{token}/s", "Training throughput").record(
        tokens_per_second, {RUN_ID: run_id}
    )


def count_judge_calls(run_id: str, calls: int) -> None:
    metrics.get_meter(INSTRUMENTATION).create_counter("mlops.judge.calls", "{call}", "LLM judge calls").add(
        calls, {RUN_ID: run_id}
    )


def record_judge_rate_wait(run_id: str, seconds: float, requests_per_minute: float) -> None:
    """Seconds the run's judge calls waited for the shared rate limit, with that limit as an attribute."""
    _histogram("mlops.judge.rate_limit_wait", "s", "Judge wait for the shared rate limit").record(
        seconds, {RUN_ID: run_id, "mlops.judge.limit_requests_per_minute": requests_per_minute}
    )


def _histogram(name: str, unit: str, description: str) -> metrics.Histogram:
    return metrics.get_meter(INSTRUMENTATION).create_histogram(name, unit, description)
