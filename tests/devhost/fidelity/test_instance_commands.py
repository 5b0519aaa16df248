"""Suspend, resume, restart and rewind through the URIs devhost itself returns, as the extension answers them."""

from __future__ import annotations

from tests.devhost.fidelity.conftest import Durable


def _uri(started: dict[str, str], key: str, reason: str = "test") -> str:
    return started[key].replace("{text}", reason)


def test_a_suspended_instance_reads_suspended(durable: Durable) -> None:
    started = durable.start("waiter", {"n": 1})
    durable.status(started["id"])
    assert durable.post(_uri(started, "suspendPostUri")).status_code == 202
    assert durable.status(started["id"])["runtimeStatus"] == "Suspended"


def test_an_event_raised_while_suspended_waits_until_resume(durable: Durable) -> None:
    started = durable.start("waiter", {"n": 2})
    durable.post(_uri(started, "suspendPostUri")).raise_for_status()
    event_uri = started["sendEventPostUri"].replace("{eventName}", "Go")
    assert durable.post(event_uri, json="going").status_code == 202
    assert durable.status(started["id"])["runtimeStatus"] == "Suspended"
    assert durable.post(_uri(started, "resumePostUri")).status_code == 202
    done = durable.status(started["id"])
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "going")


def test_suspend_and_resume_show_in_the_history(durable: Durable) -> None:
    started = durable.start("waiter", {"n": 3})
    durable.post(_uri(started, "suspendPostUri", "maintenance")).raise_for_status()
    durable.post(_uri(started, "resumePostUri", "done")).raise_for_status()
    events = durable.status(started["id"], showHistory="true")["historyEvents"]
    marks = [(e["EventType"], e["Reason"]) for e in events if "Reason" in e]
    assert marks == [("ExecutionSuspended", "maintenance"), ("ExecutionResumed", "done")]


def test_suspend_of_a_finished_instance_is_gone(durable: Durable) -> None:
    started = durable.start("chaining", "Rome")
    assert durable.status(started["id"])["runtimeStatus"] == "Completed"
    assert durable.post(_uri(started, "suspendPostUri")).status_code == 410
    assert durable.post(_uri(started, "resumePostUri")).status_code == 410


def test_suspend_of_an_unknown_instance_is_not_found(durable: Durable) -> None:
    started = durable.start("chaining", "Rome")
    unknown = _uri(started, "suspendPostUri").replace(started["id"], "no-such-instance")
    assert durable.post(unknown).status_code == 404


def test_restart_runs_the_input_again_under_a_new_id(durable: Durable) -> None:
    started = durable.start("chaining", "Kyiv")
    durable.status(started["id"])
    restarted = durable.post(started["restartPostUri"])
    assert restarted.status_code == 202
    again = restarted.json()["id"]
    assert again != started["id"]
    assert durable.status(again)["output"] == "Hello Hello Hello Kyiv"


def test_restart_with_the_same_id_replaces_the_finished_instance(durable: Durable) -> None:
    started = durable.start("chaining", "Bern", instance_id="same-id")
    durable.status("same-id")
    reply = durable.post(started["restartPostUri"], params={"restartWithNewInstanceId": "false"})
    assert (reply.status_code, reply.json()["id"]) == (202, "same-id")
    assert durable.status("same-id")["output"] == "Hello Hello Hello Bern"


def test_restart_with_the_same_id_of_a_running_instance_conflicts(durable: Durable) -> None:
    started = durable.start("waiter", {"n": 4}, instance_id="busy")
    durable.status("busy")
    reply = durable.post(started["restartPostUri"], params={"restartWithNewInstanceId": "false"})
    assert reply.status_code == 409
    assert "busy" in reply.json()["ExceptionMessage"]


def test_rewind_says_it_is_not_supported(durable: Durable) -> None:
    started = durable.start("chaining", "Rome")
    reply = durable.post(_uri(started, "terminatePostUri").replace("/terminate?", "/rewind?"))
    assert reply.status_code == 501
    assert reply.json()["Message"].startswith("rewind is not supported by devhost")
