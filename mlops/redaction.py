"""Credentials never reach telemetry: a decision link's signed token is cut from every URL a span records.

Whoever holds a card's link still needs to be a signed-in approver, but the token stays a credential (it
names the run, the decision and the deadline), so request telemetry keeps only ``/approvals/{token}``.
"""

from __future__ import annotations

import re
from typing import Any

from opentelemetry import context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

_TOKEN_IN_PATH = re.compile(r"(/approvals/)[^/?#\s\"']+")
URL_ATTRIBUTES = ("url.full", "url.path", "http.url", "http.target", "url.query", "http.route")
REDACTED = r"\1{token}"


def redact_url(text: str) -> str:
    """``text`` with every ``/approvals/<token>`` replaced by ``/approvals/{token}``."""
    return _TOKEN_IN_PATH.sub(REDACTED, text)


class UrlRedactingSpanProcessor(SpanProcessor):
    """Rewrites URL attributes when a span starts and again when it ends (instrumentations set some late)."""

    def on_start(self, span: Span, parent_context: context.Context | None = None) -> None:
        for name, value in (span.attributes or {}).items():
            if name in URL_ATTRIBUTES and isinstance(value, str) and value != redact_url(value):
                span.set_attribute(name, redact_url(value))

    def on_end(self, span: ReadableSpan) -> None:
        # An ended span is read-only through its API; its attribute store is rewritten in place, before the
        # exporters (registered after this processor) read it.
        store: Any = getattr(getattr(span, "_attributes", None), "_dict", None)
        if isinstance(store, dict):
            for name in URL_ATTRIBUTES:
                value = store.get(name)
                if isinstance(value, str):
                    store[name] = redact_url(value)
        if span.name and "/approvals/" in span.name:
            span._name = redact_url(span.name)
