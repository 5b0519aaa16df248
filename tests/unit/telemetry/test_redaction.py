"""A decision link's token never reaches exported telemetry."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mlops.redaction import UrlRedactingSpanProcessor, redact_url

TOKEN = "eyJraWQiOiJrMSJ9.c2lnbmF0dXJl"


def test_the_token_is_cut_from_a_url():
    url = f"https://app.example/api/approvals/{TOKEN}?x=1"
    assert redact_url(url) == "https://app.example/api/approvals/{token}?x=1"
    assert redact_url("/api/runs/123") == "/api/runs/123"


def test_exported_request_spans_hold_no_token():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(UrlRedactingSpanProcessor())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(
        f"POST /api/approvals/{TOKEN}", attributes={"url.full": f"/api/approvals/{TOKEN}"}
    ) as span:
        span.set_attribute("http.target", f"/api/approvals/{TOKEN}")  # set late, as instrumentations do
    (exported,) = exporter.get_finished_spans()
    assert TOKEN not in str(dict(exported.attributes or {})) and TOKEN not in exported.name
    assert exported.attributes is not None and exported.attributes["url.full"] == "/api/approvals/{token}"
