"""Fixtures for driving the local broker with the real azure-servicebus SDK."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.servicebus import ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver

from devhost.servicebus import LocalServiceBusBroker

pytest.register_assert_rewrite("tests.fixtures.broker")
from tests.fixtures.broker import start_local_broker  # noqa: E402

TOPIC = "mlops-events"
Collect = Callable[[ServiceBusReceiver, int], list[ServiceBusReceivedMessage]]


def prop(message: ServiceBusReceivedMessage, name: str) -> Any:
    """A received application property; the SDK returns bytes keys (and bytes for string values)."""
    assert message.application_properties is not None
    return message.application_properties[name.encode()]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalServiceBusBroker]:
    """A fresh broker per test (the repository's topology, a store in tmp_path)."""
    started = start_local_broker(tmp_path / "messages.sqlite3")
    yield started
    started.stop()


@pytest.fixture
def client(broker: LocalServiceBusBroker) -> Iterator[ServiceBusClient]:
    """A sync SDK client connected to `broker`."""
    with ServiceBusClient.from_connection_string(broker.connection_string) as sdk_client:
        yield sdk_client


@pytest.fixture
def collect() -> Collect:
    """Receive exactly `count` messages (waiting up to 10 s in total), failing if fewer arrive."""

    def receive(receiver: ServiceBusReceiver, count: int) -> list[ServiceBusReceivedMessage]:
        messages: list[ServiceBusReceivedMessage] = []
        deadline = time.monotonic() + 10
        while len(messages) < count and time.monotonic() < deadline:
            messages += receiver.receive_messages(max_message_count=count - len(messages), max_wait_time=1)
        assert len(messages) == count, f"received {len(messages)} of {count} messages"
        return messages

    return receive
