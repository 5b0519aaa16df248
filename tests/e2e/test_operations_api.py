"""End to end: the operator's dead-letter routes — who may call them, what they show, the audited re-drive."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from azure.servicebus import ServiceBusClient, ServiceBusMessage

from tests.e2e.conftest import Api, servicebus_connection, wait_until
from tests.fixtures.services import migrated_store

TOPIC = "mlops-events"


OPERATOR = "olga.operator@contoso.com"


@pytest.fixture
def poisoned(api: Api) -> int:
    """A run.created that no handler can read, dead-lettered after three deliveries; its sequence number."""
    with (
        ServiceBusClient.from_connection_string(servicebus_connection()) as client,
        client.get_topic_sender(TOPIC) as sender,
    ):
        sender.send_messages(ServiceBusMessage(b"{not json", application_properties={"event_type": "run.created"}))
    broker = api.devhost.host.broker
    assert broker is not None
    dead = wait_until(
        lambda: broker.dead_letters(TOPIC, "sub-orchestrator"), lambda found: len(found) == 1, 60, "a dead letter"
    )
    return int(dead[0].sequence_number)


def test_listing_dead_letters_needs_a_signed_in_user(api: Api):
    assert httpx.get(f"{api.base}/operations/deadletters", timeout=60).status_code == 401


def test_listing_dead_letters_needs_the_operator_role(api: Api):
    reply = api.get("/operations/deadletters")  # a requester
    assert reply.status_code == 403
    assert "operator" in reply.json()["message"]


def test_dead_letters_are_listed_with_their_reason(api: Api, poisoned: int):
    reply = api.as_user(OPERATOR, ["operator"]).get("/operations/deadletters?subscription=sub-orchestrator")
    assert reply.status_code == 200, reply.text
    (letter,) = reply.json()["deadletters"]
    assert (letter["sequence_number"], letter["reason"]) == (poisoned, "MaxDeliveryCountExceeded")


def test_an_unknown_subscription_is_named_in_the_error(api: Api):
    reply = api.as_user(OPERATOR, ["operator"]).get("/operations/deadletters?subscription=nope")
    assert reply.status_code == 400
    assert "subscription" in reply.json()["fields"]


def test_a_redrive_is_audited_with_the_operator(api: Api, poisoned: int, stack_env: dict[str, str]):
    body = {"subscription": "sub-orchestrator", "sequence_numbers": [poisoned]}
    reply = api.as_user(OPERATOR, ["operator"]).post("/operations/deadletters/redrive", body)
    assert reply.status_code == 200, reply.text
    assert [d["sequence_number"] for d in reply.json()["redriven"]] == [poisoned]

    async def latest() -> tuple[str, str, dict]:
        async with migrated_store(stack_env["DATABASE_URL"]) as store:
            action = (await store.operator_actions(limit=1))[0]
            return action.actor, action.action, dict(action.outcome)

    actor, action, outcome = asyncio.run(latest())
    assert (actor, action, outcome["redriven"]) == (OPERATOR, "deadletters.redrive", [poisoned])
