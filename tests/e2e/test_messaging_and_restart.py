"""End to end through devhost: at-least-once delivery, poison messages, and a host restart mid-run."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from azure.servicebus import ServiceBusClient, ServiceBusMessage

from mlops import events
from tests.e2e.conftest import APPROVER, Api, servicebus_connection, wait_until

TOPIC = "mlops-events"


def _send(message: ServiceBusMessage) -> None:
    with (
        ServiceBusClient.from_connection_string(servicebus_connection()) as client,
        client.get_topic_sender(TOPIC) as sender,
    ):
        sender.send_messages(message)


def _instance(api: Api, run_id: str) -> dict:
    url = f"{api.devhost.base_url}/runtime/webhooks/durabletask/instances/{run_id}?showInput=true"
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_duplicate_run_created_starts_nothing(api: Api, tiny_model: Path):
    run_id = api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=1.0)
    run = api.wait_for(run_id, {"completed", "failed"})
    assert (run["status"], run["decision"]) == ("completed", "rejected")
    before = _instance(api, run_id)
    duplicate = events.LifecycleEvent(events.RUN_CREATED, run_id, before["input"], task_type="evaluate")
    same_id, redriven = duplicate.to_message(), duplicate.to_message()
    redriven.message_id = f"{duplicate.message_id}:redrive-1"  # past duplicate detection: the handler sees it
    _send(same_id)
    _send(redriven)
    api.devhost.wait_idle()
    after = _instance(api, run_id)
    assert (after["runtimeStatus"], after["createdTime"]) == ("Completed", before["createdTime"])
    assert api.devhost.host.broker is not None
    assert api.devhost.host.broker.dead_letters(TOPIC, "sub-orchestrator") == []
    assert [e["status"] for e in api.run(run_id)["events"]].count("pending") == 1


def test_poison_message_is_dead_lettered_with_a_reason(api: Api):
    _send(ServiceBusMessage(b"{not json", application_properties={"event_type": "run.created"}))
    broker = api.devhost.host.broker
    assert broker is not None
    dead = wait_until(
        lambda: broker.dead_letters(TOPIC, "sub-orchestrator"),
        lambda found: len(found) == 1,
        60,
        "the poison message in the dead-letter queue",
    )
    assert dead[0].dead_letter_reason == "MaxDeliveryCountExceeded"
    assert dead[0].body == b"{not json"


def test_devhost_restart_mid_training_resumes_the_run(devhost_factory, tiny_model: Path):
    with devhost_factory() as devhost:
        api = Api(devhost)
        run_id = api.start_run(str(tiny_model), ml_score_threshold=0.0)
        api.wait_for(run_id, {"training"})
    time.sleep(2)
    with devhost_factory() as devhost:
        api = Api(devhost)
        api.wait_for(run_id, {"awaiting_approval"})
        assert api.as_user(APPROVER).post(f"/runs/{run_id}/approval", {"decision": "approve"}).status_code == 202
        run = api.wait_for(run_id, {"completed", "failed"})
    assert (run["status"], run["decision"]) == ("completed", "go_prod")
