"""Broker lifecycle with the real SDK: restarts, lock expiry, TTL, the CLI and the shared fixture."""

import json
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from azure.servicebus import ServiceBusClient, ServiceBusMessage, ServiceBusSubQueue
from azure.servicebus.exceptions import MessageLockLostError

from devhost.servicebus import LocalServiceBusBroker, parse_topology
from tests.fixtures.broker import CONFIG_PATH, start_local_broker

from .conftest import TOPIC, Collect, prop

pytest_plugins = ["tests.fixtures.broker"]
REPO = CONFIG_PATH.parents[2]


def created(run_id: str) -> ServiceBusMessage:
    return ServiceBusMessage(
        json.dumps({"run_id": run_id}), application_properties={"event_type": "run.created", "run_id": run_id}
    )


def fast_topology(**properties: Any) -> Any:
    document = json.loads(CONFIG_PATH.read_text())
    for sub in document["UserConfig"]["Namespaces"][0]["Topics"][0]["Subscriptions"]:
        sub["Properties"].update(properties)
    return parse_topology(document)


def test_restart_keeps_active_and_dead_lettered_messages(tmp_path: Path, collect: Collect) -> None:
    store = tmp_path / "messages.sqlite3"
    first = start_local_broker(store)
    with ServiceBusClient.from_connection_string(first.connection_string) as client:
        with client.get_topic_sender(TOPIC) as sender:
            sender.send_messages([created("abandoned"), created("dead"), created("locked"), created("untouched")])
        with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
            abandoned, dead, _locked = collect(receiver, 3)
            receiver.abandon_message(abandoned)
            receiver.dead_letter_message(dead, reason="Rejected", error_description="by test")
            first.stop()  # _locked is still locked: a restart must not lose it
    second = start_local_broker(store)
    try:
        assert second.active_count(TOPIC, "sub-orchestrator") == 3
        [info] = second.dead_letters(TOPIC, "sub-orchestrator")
        assert (info.dead_letter_reason, info.application_properties["run_id"]) == ("Rejected", "dead")
        with (
            ServiceBusClient.from_connection_string(second.connection_string) as client,
            client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver,
        ):
            received = collect(receiver, 3)
            counts = {prop(m, "run_id"): m.delivery_count for m in received}
            assert counts == {b"abandoned": 1, b"locked": 0, b"untouched": 0}
    finally:
        second.stop()


def test_lock_expiry_redelivers_and_counts(tmp_path: Path, collect: Collect) -> None:
    broker = start_local_broker(tmp_path / "m.sqlite3", fast_topology(LockDuration="PT1S", MaxDeliveryCount=2))
    try:
        with ServiceBusClient.from_connection_string(broker.connection_string) as client:
            with client.get_topic_sender(TOPIC) as sender:
                sender.send_messages(created("slow"))
            with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
                [first] = collect(receiver, 1)
                time.sleep(1.3)
                [second] = collect(receiver, 1)
                assert second.delivery_count == 1
                with pytest.raises(MessageLockLostError):
                    receiver.complete_message(first)
                time.sleep(1.3)
        [dead] = broker.dead_letters(TOPIC, "sub-orchestrator")
        assert dead.dead_letter_reason == "MaxDeliveryCountExceeded"
    finally:
        broker.stop()


def test_expired_message_is_dead_lettered(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    message = created("late")
    message.time_to_live = timedelta(seconds=1)  # the SDK sends whole seconds
    with client.get_topic_sender(TOPIC) as sender:
        sender.send_messages(message)
    deadline = time.monotonic() + 5
    while not broker.dead_letters(TOPIC, "sub-orchestrator") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert broker.active_count(TOPIC, "sub-orchestrator") == 0
    dlq = client.get_subscription_receiver(TOPIC, "sub-orchestrator", sub_queue=ServiceBusSubQueue.DEAD_LETTER)
    with dlq:
        [dead] = collect(dlq, 1)
        assert dead.dead_letter_reason == "TTLExpiredException"


def test_cli_prints_the_connection_string_and_stops_on_sigterm(tmp_path: Path, collect: Collect) -> None:
    def launch() -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devhost.servicebus",
                "--config",
                str(CONFIG_PATH),
                "--port",
                "0",
                "--store",
                str(tmp_path / "cli.sqlite3"),
                "--log-level",
                "WARNING",
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        return process, process.stdout.readline().strip()

    process, connection_string = launch()
    assert (
        connection_string.startswith("Endpoint=sb://127.0.0.1:") and "UseDevelopmentEmulator=true" in connection_string
    )
    with (
        ServiceBusClient.from_connection_string(connection_string) as client,
        client.get_topic_sender(TOPIC) as sender,
    ):
        sender.send_messages(created("survivor"))
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    process, connection_string = launch()
    try:
        with (
            ServiceBusClient.from_connection_string(connection_string) as client,
            client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver,
        ):
            [message] = collect(receiver, 1)
            assert prop(message, "run_id") == b"survivor"
            receiver.complete_message(message)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0


def test_shared_session_fixture(servicebus_broker: LocalServiceBusBroker, collect: Collect) -> None:
    run_id = f"fixture-{time.monotonic_ns()}"
    with ServiceBusClient.from_connection_string(servicebus_broker.connection_string) as client:
        with client.get_topic_sender(TOPIC) as sender:
            sender.send_messages(created(run_id))
        with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
            mine = [
                m
                for m in collect(receiver, servicebus_broker.active_count(TOPIC, "sub-orchestrator"))
                if prop(m, "run_id") == run_id.encode()
            ]
            assert len(mine) == 1
            receiver.complete_message(mine[0])
