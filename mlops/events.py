"""Lifecycle events on the ``mlops-events`` topic: the envelope, and its publisher.

Body: ``{event, run_id, payload, occurred_at}``; application properties ``event_type``,
``run_id`` and ``task_type`` carry what the subscriptions' SQL filters read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from azure.servicebus import ServiceBusMessage
from azure.servicebus.aio import ServiceBusClient

RUN_CREATED = "run.created"
TRAINING_DONE = "run.training_done"
TRAINING_FAILED = "run.training_failed"
# The other jobs' completions (model staging, evaluation scoring), published by the job runner as training's are.
STAGING_DONE = "run.staging_done"
STAGING_FAILED = "run.staging_failed"
SCORING_DONE = "run.scoring_done"
SCORING_FAILED = "run.scoring_failed"
EVAL_PASSED = "run.eval_passed"
EVAL_REJECTED = "run.eval_rejected"
GO_PROD = "run.go_prod"
REJECTED = "run.rejected"
EXPIRED = "run.expired"
FAILED = "run.failed"

KNOWN_EVENTS = frozenset(
    {
        RUN_CREATED,
        TRAINING_DONE,
        TRAINING_FAILED,
        STAGING_DONE,
        STAGING_FAILED,
        SCORING_DONE,
        SCORING_FAILED,
        EVAL_PASSED,
        EVAL_REJECTED,
        GO_PROD,
        REJECTED,
        EXPIRED,
        FAILED,
    }
)


class InvalidEvent(ValueError):
    """A message body or its properties do not form a valid lifecycle event."""


@dataclass(frozen=True)
class LifecycleEvent:
    event: str
    run_id: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    occurred_at: str = ""
    task_type: str | None = None

    def body(self) -> str:
        occurred = self.occurred_at or datetime.now(UTC).isoformat()
        return json.dumps(
            {
                "event": self.event,
                "run_id": self.run_id,
                "payload": dict(self.payload),
                "occurred_at": occurred,
            }
        )

    def application_properties(self) -> dict[str, str]:
        props = {"event_type": self.event, "run_id": self.run_id}
        if self.task_type:
            props["task_type"] = self.task_type
        return props

    @property
    def message_id(self) -> str:
        """Stable per (run, event): the broker's duplicate detection drops a re-sent copy."""
        return f"{self.run_id}:{self.event}"

    def to_message(self) -> ServiceBusMessage:
        return ServiceBusMessage(
            self.body(),
            content_type="application/json",
            subject=self.event,
            message_id=self.message_id,
            application_properties=self.application_properties(),  # type: ignore[arg-type]
        )

    @classmethod
    def parse(cls, body: bytes | str, properties: Mapping[Any, Any] | None = None) -> LifecycleEvent:
        """Parse a received message; properties may arrive with bytes keys and values."""
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidEvent(f"body is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise InvalidEvent("body must be a JSON object")
        props = decode_properties(properties or {})
        event = data.get("event") or props.get("event_type")
        run_id = data.get("run_id") or props.get("run_id")
        if not isinstance(event, str) or event not in KNOWN_EVENTS:
            raise InvalidEvent(f"field 'event' must be one of {sorted(KNOWN_EVENTS)}, got {event!r}")
        if not isinstance(run_id, str) or not run_id:
            raise InvalidEvent("field 'run_id' is required")
        payload = data.get("payload")
        payload = {} if payload is None else payload
        if not isinstance(payload, dict):
            raise InvalidEvent("field 'payload' must be an object")
        return cls(event, run_id, payload, str(data.get("occurred_at", "")), props.get("task_type"))


def decode_properties(properties: Mapping[Any, Any]) -> dict[str, Any]:
    """Decode application properties whose keys or values arrive as bytes."""
    return {_text(key): _text(value) for key, value in properties.items()}


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes | bytearray) else value


class EventPublisher:
    """Publishes lifecycle events to the topic with the real Service Bus SDK."""

    def __init__(self, client_factory: Any, topic: str) -> None:
        self._client_factory = client_factory
        self._topic = topic

    @classmethod
    def from_connection_string(cls, connection_string: str, topic: str) -> EventPublisher:
        return cls(lambda: ServiceBusClient.from_connection_string(connection_string), topic)

    @classmethod
    def from_namespace(cls, namespace: str, topic: str, credential: Any) -> EventPublisher:
        return cls(lambda: ServiceBusClient(namespace, credential), topic)

    async def publish(self, event: LifecycleEvent) -> None:
        await self.send(event.to_message())

    def client(self) -> ServiceBusClient:
        """A new client on the publisher's namespace (the operator routes read dead-letter queues with it)."""
        client: ServiceBusClient = self._client_factory()
        return client

    @property
    def topic(self) -> str:
        return self._topic

    async def send(self, message: ServiceBusMessage) -> None:
        """Send one prepared message to the topic."""
        async with self._client_factory() as client, client.get_topic_sender(self._topic) as sender:
            await sender.send_messages(message)

    async def check(self) -> None:
        """Open a sender link to the topic: proves the namespace, credentials and topic are reachable."""
        async with self._client_factory() as client, client.get_topic_sender(self._topic):
            pass
