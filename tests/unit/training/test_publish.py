"""publish_with_retry: retries while the broker is away, gives up with PublishError after the deadline."""

from __future__ import annotations

from typing import Any

import pytest
from azure.servicebus.exceptions import ServiceBusConnectionError

from mlops.events import TRAINING_DONE, EventPublisher, LifecycleEvent
from mlops.training.publish import PublishError, publish_with_retry

EVENT = LifecycleEvent(TRAINING_DONE, "run-1", {"model_uri": "blob://m"}, task_type="finetune")


class FlakyBroker:
    """Stands in for the SDK's ServiceBusClient: refuses ``failures`` connections, then records sends."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[Any] = []

    def client(self) -> FlakyBroker:
        return self

    async def __aenter__(self) -> FlakyBroker:
        if self.failures:
            self.failures -= 1
            raise ServiceBusConnectionError(message="broker restarting")
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def get_topic_sender(self, topic: str) -> FlakyBroker:
        assert topic == "mlops-events"
        return self

    async def send_messages(self, message: Any) -> None:
        self.sent.append(message)


async def test_retries_until_the_broker_answers() -> None:
    broker = FlakyBroker(failures=2)
    attempts = await publish_with_retry(EventPublisher(broker.client, "mlops-events"), EVENT, first_delay_s=0.01)
    assert attempts == 3
    [message] = broker.sent
    assert message.application_properties == {
        "event_type": TRAINING_DONE,
        "run_id": "run-1",
        "task_type": "finetune",
    }


async def test_gives_up_after_the_deadline() -> None:
    broker = FlakyBroker(failures=100)
    with pytest.raises(
        PublishError, match=r"run\.training_done for run run-1 not published after .* broker restarting"
    ):
        await publish_with_retry(
            EventPublisher(broker.client, "mlops-events"), EVENT, deadline_s=0.05, first_delay_s=0.01
        )
    assert broker.sent == []
