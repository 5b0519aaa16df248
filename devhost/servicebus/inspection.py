"""What tests and tools can see of stored messages without an AMQP client."""

from dataclasses import dataclass
from typing import Any

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus.queues import Entry


@dataclass(frozen=True)
class ReceivedInfo:
    """A stored message: body, application properties (str keys) and dead-letter details."""

    sequence_number: int
    body: bytes
    application_properties: dict[str, Any]
    dead_letter_reason: str | None
    dead_letter_error_description: str | None
    delivery_count: int


def received_info(entry: Entry) -> ReceivedInfo:
    """Decode a stored entry for inspection."""
    props = codec.application_properties(entry.raw)
    reason = props.get("DeadLetterReason")
    description = props.get("DeadLetterErrorDescription")
    return ReceivedInfo(
        sequence_number=entry.seq,
        body=codec.body_bytes(entry.raw),
        application_properties=props,
        dead_letter_reason=None if reason is None else str(reason),
        dead_letter_error_description=None if description is None else str(description),
        delivery_count=entry.delivery_count,
    )
