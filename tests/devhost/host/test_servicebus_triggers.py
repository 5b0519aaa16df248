"""Service Bus topic triggers receive what the real azure-servicebus SDK sends, and settle like the host."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
from azure.servicebus import ServiceBusClient, ServiceBusMessage, ServiceBusSubQueue

from devhost.servicebus.broker import LocalServiceBusBroker
from devhost.servicebus.config import load_topology
from tests.devhost.host.conftest import SAMPLE_APP, SAMPLE_ENV, TOPIC
from tests.fixtures.devhost import RunningDevHost, run_devhost


def publish(host: RunningDevHost, event_type: str, body: dict, **fields: Any) -> None:
    """Send one message to the sample topic with the real SDK."""
    assert host.host.broker is not None
    message = ServiceBusMessage(json.dumps(body), application_properties={"event_type": event_type}, **fields)
    with (
        ServiceBusClient.from_connection_string(host.host.broker.connection_string) as client,
        client.get_topic_sender(TOPIC) as sender,
    ):
        sender.send_messages(message)


def test_message_starts_an_orchestration(sample_host: RunningDevHost) -> None:
    publish(
        sample_host,
        "flow.requested",
        {"flow_id": "sb1", "name": "Bus"},
        content_type="application/json",
        correlation_id="corr-1",
        message_id="msg-1",
    )
    sample_host.wait_idle()
    reply = httpx.get(f"{sample_host.base_url}/api/flows/sb1")
    assert reply.status_code == 200
    state = reply.json()
    assert state["runtime_status"] == "Running"
    source = state["input"]["source"]
    assert source["message_id"] == "msg-1"
    assert source["event_type"] == source["user_event_type"] == "flow.requested"
    assert (source["delivery_count"], source["content_type"], source["correlation_id"]) == (
        1,
        "application/json",
        "corr-1",
    )
    assert source["enqueued"].endswith("+00:00")
    assert sample_host.host.broker is not None
    assert sample_host.host.broker.active_count(TOPIC, "sub-start") == 0


def test_failing_handler_dead_letters_after_three_deliveries(sample_host: RunningDevHost) -> None:
    publish(sample_host, "flow.poison", {"flow_id": "p1"}, message_id="poison-1")
    sample_host.wait_idle()
    broker = sample_host.host.broker
    assert broker is not None
    assert broker.active_count(TOPIC, "sub-poison") == 0
    with (
        ServiceBusClient.from_connection_string(broker.connection_string) as client,
        client.get_subscription_receiver(TOPIC, "sub-poison", sub_queue=ServiceBusSubQueue.DEAD_LETTER) as dlq,
    ):
        [dead] = dlq.receive_messages(max_message_count=5, max_wait_time=2)
        assert (dead.message_id, dead.delivery_count) == ("poison-1", 3)
        assert dead.dead_letter_reason == "MaxDeliveryCountExceeded"
        dlq.complete_message(dead)


def test_restart_resumes_orchestrations_and_keeps_queued_messages(sample_host_factory) -> None:
    with sample_host_factory() as first:
        httpx.post(f"{first.base_url}/api/flows/r1", json={"name": "Rae"}).raise_for_status()
        first.wait_idle()
        publish(first, "flow.parked", {"flow_id": "parked"}, message_id="parked-1")
    with sample_host_factory() as second:
        assert second.host.broker is not None
        assert second.host.broker.active_count(TOPIC, "sub-parked") == 1
        assert httpx.get(f"{second.base_url}/api/flows/r1").json()["runtime_status"] == "Running"
        httpx.post(f"{second.base_url}/api/flows/r1/approve", json="yes").raise_for_status()
        second.wait_idle()
        assert httpx.get(f"{second.base_url}/api/flows/r1").json()["output"]["decision"] == "yes"


def test_trigger_reconnects_when_the_broker_comes_up_late(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broker = LocalServiceBusBroker(load_topology(SAMPLE_APP / "servicebus.json"), "127.0.0.1", port)
    env = {**SAMPLE_ENV, "ServiceBusConnection": broker.connection_string}
    with run_devhost(SAMPLE_APP, state_dir=tmp_path / "state", env=env, broker=False, virtual_clock=False) as host:
        assert httpx.post(f"{host.base_url}/admin/clock/advance", json={"seconds": 1}).status_code == 409
        time.sleep(1.0)  # the dispatchers fail to connect and back off meanwhile
        broker.start()
        try:
            with (
                ServiceBusClient.from_connection_string(broker.connection_string) as client,
                client.get_topic_sender(TOPIC) as sender,
            ):
                message = {"flow_id": "late1", "name": "Late"}
                sender.send_messages(
                    ServiceBusMessage(json.dumps(message), application_properties={"event_type": "flow.requested"})
                )
            deadline = time.monotonic() + 30
            while httpx.get(f"{host.base_url}/api/flows/late1").status_code == 404:
                assert time.monotonic() < deadline, "the late broker's message was never handled"
                time.sleep(0.2)
        finally:
            broker.stop()
