"""The classic patterns through the management API: what a user of the extension sees, on a virtual clock."""

from __future__ import annotations

import uuid

import httpx

from tests.devhost.fidelity.conftest import Durable


def test_chaining_feeds_each_result_to_the_next(durable: Durable) -> None:
    started = durable.start("chaining", "Tokyo")
    assert durable.status(started["id"])["output"] == "Hello Hello Hello Tokyo"


def test_fan_out_fan_in_sums_every_result(durable: Durable) -> None:
    started = durable.start("fan_out_fan_in", 50)
    assert durable.status(started["id"])["output"] == sum(n * n for n in range(50))


def test_approval_event_wins_the_race_against_the_timer(durable: Durable) -> None:
    started = durable.start("approval")
    durable.status(started["id"])
    durable.post(started["sendEventPostUri"].replace("{eventName}", "Approval"), json="yes").raise_for_status()
    done = durable.status(started["id"])
    assert (done["runtimeStatus"], done["output"]) == ("Completed", {"decision": "yes"})


def test_approval_times_out_after_72_hours(durable: Durable) -> None:
    started = durable.start("approval")
    durable.host.advance(hours=71)
    assert durable.status(started["id"])["runtimeStatus"] == "Running"
    durable.host.advance(hours=1)
    assert durable.status(started["id"])["output"] == {"decision": "timed out"}


def test_retries_run_until_the_activity_succeeds(durable: Durable) -> None:
    started = durable.start("with_retries")
    durable.host.advance(minutes=1)
    durable.host.advance(minutes=1)
    assert durable.status(started["id"])["output"] == "succeeded on attempt 3"


def test_a_caught_activity_failure_lets_the_orchestration_complete(durable: Durable) -> None:
    started = durable.start("caught_failure")
    done = durable.status(started["id"])
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "caught: True")


def test_continue_as_new_restarts_with_the_new_input(durable: Durable) -> None:
    started = durable.start("counter", 0)
    done = durable.status(started["id"])
    assert (done["runtimeStatus"], done["output"], done["input"]) == ("Completed", 3, 3)


def test_custom_status_is_visible_while_running(durable: Durable) -> None:
    started = durable.start("waiter", {"who": "ops"})
    assert durable.status(started["id"])["customStatus"] == {"stage": "waiting", "input": {"who": "ops"}}


def test_terminate_ends_a_running_instance(durable: Durable) -> None:
    started = durable.start("waiter", {"who": "term"})
    durable.status(started["id"])
    assert durable.post(started["terminatePostUri"].replace("{text}", "enough")).status_code == 202
    done = durable.status(started["id"])
    assert (done["runtimeStatus"], done["output"]) == ("Terminated", "enough")


def test_purge_forgets_a_finished_instance(durable: Durable) -> None:
    started = durable.start("chaining", "Purge")
    durable.status(started["id"])
    assert httpx.delete(started["purgeHistoryDeleteUri"]).json() == {"instancesDeleted": 1}
    assert httpx.get(started["statusQueryGetUri"]).status_code == 404


def test_listing_filters_by_status_and_id_prefix(durable: Durable) -> None:
    durable.start("chaining", "A", instance_id="list-done")
    durable.start("waiter", {"who": "list"}, instance_id="list-waiting")
    durable.status("list-waiting")
    listed = httpx.get(f"{durable.base}/instances", params={"instanceIdPrefix": "list-", "runtimeStatus": "Running"})
    assert [s["instanceId"] for s in listed.json()] == ["list-waiting"]


def test_new_uuid_is_the_same_on_every_replay(durable: Durable) -> None:
    started = durable.start("uuids")
    first, second, greeting = durable.status(started["id"])["output"]
    assert uuid.UUID(first) != uuid.UUID(second)
    assert greeting == f"Hello {first}"  # the activity got the value the first episode drew


def test_history_lists_what_happened_in_order(durable: Durable) -> None:
    started = durable.start("chaining", "Hist")
    events = durable.status(started["id"], showHistory="true")["historyEvents"]
    assert [e["EventType"] for e in events] == [
        "ExecutionStarted", "TaskCompleted", "TaskCompleted", "TaskCompleted", "ExecutionCompleted",
    ]  # fmt: skip
    assert [e.get("FunctionName") for e in events[1:4]] == ["greet", "greet", "greet"]
