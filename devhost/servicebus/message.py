"""A received azure-servicebus message → the azure.functions.ServiceBusMessage the worker would pass."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.functions.meta import Datum
from azure.functions.servicebus import ServiceBusMessage, ServiceBusMessageInConverter
from azure.servicebus import ServiceBusReceivedMessage
from azure.servicebus.amqp import AmqpMessageBodyType

_STRING_FIELDS = {
    "MessageId": "message_id",
    "ContentType": "content_type",
    "CorrelationId": "correlation_id",
    "SessionId": "session_id",
    "ReplyTo": "reply_to",
    "ReplyToSessionId": "reply_to_session_id",
    "To": "to",
    "Label": "subject",
    "Subject": "subject",
    "PartitionKey": "partition_key",
    "DeadLetterSource": "dead_letter_source",
    "DeadLetterReason": "dead_letter_reason",
    "DeadLetterErrorDescription": "dead_letter_error_description",
}
_INT_FIELDS = {
    "SequenceNumber": "sequence_number",
    "EnqueuedSequenceNumber": "enqueued_sequence_number",
}
_TIME_FIELDS = {
    "EnqueuedTimeUtc": "enqueued_time_utc",
    "ExpiresAtUtc": "expires_at_utc",
    "LockedUntil": "locked_until_utc",
    "ScheduledEnqueueTimeUtc": "scheduled_enqueue_time_utc",
}


def to_function_message(message: ServiceBusReceivedMessage) -> ServiceBusMessage:
    """Build trigger metadata as the host sends it and decode it with the library's own converter."""
    metadata = trigger_metadata(message)
    return ServiceBusMessageInConverter.decode_single_message(
        Datum(message_body(message), "bytes"), trigger_metadata=metadata
    )


def message_body(message: ServiceBusReceivedMessage) -> bytes:
    """The payload bytes: data sections joined; an AMQP value body as JSON text."""
    if message.body_type == AmqpMessageBodyType.DATA:
        return b"".join(message.body)
    if message.body_type == AmqpMessageBodyType.VALUE:
        return json.dumps(plain(message.body)).encode("utf-8")
    return json.dumps([plain(section) for section in message.body]).encode("utf-8")


def trigger_metadata(message: ServiceBusReceivedMessage) -> dict[str, Datum]:
    """The host's trigger metadata: strings, ints, UTC times and the properties as JSON."""
    metadata: dict[str, Datum] = {}
    for key, attr in _STRING_FIELDS.items():
        value = getattr(message, attr)
        if value is not None:
            metadata[key] = Datum(str(value), "string")
    for key, attr in _INT_FIELDS.items():
        value = getattr(message, attr)
        if value is not None:
            metadata[key] = Datum(int(value), "int")
    for key, attr in _TIME_FIELDS.items():
        value = getattr(message, attr)
        if value is not None:
            metadata[key] = Datum(_utc_text(value), "string")
    if message.delivery_count is not None:
        # The host's .NET SDK counts this delivery (AMQP header count + 1); the Python SDK does not.
        metadata["DeliveryCount"] = Datum(int(message.delivery_count) + 1, "int")
    if message.lock_token is not None:
        metadata["LockToken"] = Datum(str(message.lock_token), "string")
    if message.time_to_live is not None and message.time_to_live < timedelta(days=1):
        metadata["TimeToLive"] = Datum(_timespan(message.time_to_live), "string")
    properties = json.dumps(application_properties(message))
    metadata["ApplicationProperties"] = Datum(properties, "json")
    metadata["UserProperties"] = Datum(properties, "json")
    return metadata


def application_properties(message: ServiceBusReceivedMessage) -> dict[str, Any]:
    """Application properties with str keys and JSON values (the SDK hands back bytes)."""
    return {_text(key): plain(value) for key, value in (message.application_properties or {}).items()}


def plain(value: Any) -> Any:
    """A JSON-compatible form of an AMQP value, as the host's JSON serialisation would give."""
    if isinstance(value, bytes):
        return _text(value)
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, uuid.UUID | timedelta):
        return str(value)
    if isinstance(value, dict):
        return {_text(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _text(value: Any) -> str:
    """bytes → UTF-8 text; anything else → str."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _utc_text(value: datetime) -> str:
    """ISO 8601 UTC with microseconds and Z, one of the formats the library parses."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _timespan(value: timedelta) -> str:
    """HH:MM:SS for durations under a day."""
    seconds = int(value.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
