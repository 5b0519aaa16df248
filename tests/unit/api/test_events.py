"""The event envelope: what is sent is what the handlers parse, whatever form the properties take."""

import json

import pytest

from mlops import events
from mlops.payloads import event_payload


def test_a_published_event_round_trips_through_parse():
    event = events.LifecycleEvent(events.RUN_CREATED, "r1", {"a": 1}, task_type="finetune")
    message = event.to_message()
    props = {k.encode(): v.encode() for k, v in event.application_properties().items()}
    parsed = events.LifecycleEvent.parse(str(message), props)
    assert (parsed.event, parsed.run_id, dict(parsed.payload), parsed.task_type) == (
        "run.created",
        "r1",
        {"a": 1},
        "finetune",
    )
    assert json.loads(event.body())["occurred_at"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "JSON object"),
        (b'{"event": "run.unknown", "run_id": "r"}', "event"),
        (b'{"event": "run.created"}', "run_id"),
        (b'{"event": "run.created", "run_id": "r", "payload": []}', "payload"),
    ],
)
def test_invalid_bodies_are_refused_with_the_reason(body, problem):
    with pytest.raises(events.InvalidEvent, match=problem):
        events.LifecycleEvent.parse(body, {})


def test_event_payloads_encoded_twice_are_normalised():
    once = json.dumps({"decision": "approve"})
    assert event_payload(json.dumps(once)) == {"decision": "approve"}
    assert event_payload({"decision": "approve"}) == {"decision": "approve"}
    with pytest.raises(ValueError, match="JSON object"):
        event_payload("[1]")
