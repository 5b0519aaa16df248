"""Locally, the same spans go to an OTLP endpoint: a real OTLP/HTTP exporter posting to a local receiver."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from mlops.settings import telemetry_config
from mlops.telemetry import RUN_ID, RunIdSpanProcessor, local_exporters


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_spans_with_the_run_id_reach_the_otlp_endpoint():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = telemetry_config({"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.server_port}"})
        [exporter] = local_exporters(config)
        provider = TracerProvider()
        provider.add_span_processor(RunIdSpanProcessor())
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        with provider.get_tracer("test").start_as_current_span("activity record_status") as span:
            span.set_attribute(RUN_ID, "run-otlp-1")
        provider.shutdown()
    finally:
        server.shutdown()
    [(path, body)] = _Receiver.received
    assert path == "/v1/traces"
    assert b"run-otlp-1" in body and b"activity record_status" in body
