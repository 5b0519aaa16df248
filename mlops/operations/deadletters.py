"""Dead-letter queues of the topic's subscriptions through the real Service Bus SDK: peek them, and
re-drive chosen messages (a copy is sent to the topic under a new message id, then the original is
completed). The subscriptions' rules are disjoint, so the copy reaches the same subscription only."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from azure.servicebus import ServiceBusMessage, ServiceBusReceivedMessage, ServiceBusSubQueue
from azure.servicebus.aio import ServiceBusClient

from mlops.events import decode_properties

SUBSCRIPTIONS = ("sub-orchestrator", "sub-training-events", "sub-notifications")
_DEAD_LETTER_PROPERTIES = frozenset({"DeadLetterReason", "DeadLetterErrorDescription"})
MAX_MESSAGES = 200


@dataclass(frozen=True)
class DeadLetter:
    """A dead-lettered message as an operator sees it."""

    subscription: str
    sequence_number: int
    message_id: str | None
    event_type: str | None
    run_id: str | None
    reason: str | None
    description: str | None
    enqueued_at: str | None
    delivery_count: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _dead_letter(subscription: str, message: ServiceBusReceivedMessage) -> DeadLetter:
    props = decode_properties(message.application_properties or {})
    enqueued = message.enqueued_time_utc
    return DeadLetter(
        subscription=subscription,
        sequence_number=int(message.sequence_number or 0),
        message_id=str(message.message_id) if message.message_id is not None else None,
        event_type=props.get("event_type"),
        run_id=props.get("run_id"),
        reason=message.dead_letter_reason or props.get("DeadLetterReason"),
        description=message.dead_letter_error_description or props.get("DeadLetterErrorDescription"),
        enqueued_at=enqueued.isoformat() if enqueued else None,
        delivery_count=int(message.delivery_count or 0),
    )


def _copy(message: ServiceBusReceivedMessage) -> ServiceBusMessage:
    """The message to send again: same body and properties, a new id (past duplicate detection)."""
    props = decode_properties(message.application_properties or {})
    props = {k: v for k, v in props.items() if k not in _DEAD_LETTER_PROPERTIES}
    return ServiceBusMessage(
        b"".join(bytes(part) for part in message.body),
        content_type=message.content_type,
        subject=message.subject,
        message_id=f"{message.message_id}:redrive-{message.sequence_number}",
        application_properties=props,  # type: ignore[arg-type]
    )


class DeadLetterQueues:
    """The dead-letter queues of ``topic``'s subscriptions."""

    def __init__(self, client_factory: Callable[[], ServiceBusClient], topic: str) -> None:
        self._client_factory = client_factory
        self._topic = topic

    async def peek(self, subscription: str) -> list[DeadLetter]:
        """Up to MAX_MESSAGES dead-lettered messages of ``subscription``, oldest first, left in place."""
        async with (
            self._client_factory() as client,
            client.get_subscription_receiver(
                self._topic, subscription, sub_queue=ServiceBusSubQueue.DEAD_LETTER
            ) as receiver,
        ):
            messages = await receiver.peek_messages(max_message_count=MAX_MESSAGES)
        return [_dead_letter(subscription, m) for m in messages]

    async def redrive(self, subscription: str, sequence_numbers: Collection[int]) -> list[DeadLetter]:
        """Send a copy of each chosen message to the topic, then complete it; others stay. Returns those
        re-driven (a number not found in the queue is simply absent)."""
        wanted, done = set(sequence_numbers), []
        async with (
            self._client_factory() as client,
            client.get_subscription_receiver(
                self._topic, subscription, sub_queue=ServiceBusSubQueue.DEAD_LETTER
            ) as receiver,
            client.get_topic_sender(self._topic) as sender,
        ):
            held: list[ServiceBusReceivedMessage] = []
            while batch := await receiver.receive_messages(max_message_count=50, max_wait_time=2):
                held.extend(batch)
                if len(held) >= MAX_MESSAGES:
                    break
            for message in held:
                if message.sequence_number in wanted:
                    await sender.send_messages(_copy(message))
                    await receiver.complete_message(message)
                    done.append(_dead_letter(subscription, message))
                else:
                    await receiver.abandon_message(message)
        return done
