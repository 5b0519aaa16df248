"""call_sub_orchestrator(_with_retry) through the management API, as the Durable extension runs them."""

from __future__ import annotations

from tests.devhost.fidelity.conftest import Durable


def test_children_return_their_output_to_the_parent(durable: Durable) -> None:
    started = durable.start("parent", "named-child", instance_id="p1")
    assert durable.status(started["id"])["output"] == ["Hello Hello Hello Oslo", "Hello Hello Hello Lima"]


def test_a_child_started_with_an_id_is_its_own_instance(durable: Durable) -> None:
    durable.start("parent", "child-of-p2", instance_id="p2")
    child = durable.status("child-of-p2")
    assert (child["name"], child["runtimeStatus"], child["input"]) == ("chaining", "Completed", "Lima")


def test_a_child_without_an_id_gets_parent_and_sequence_number(durable: Durable) -> None:
    durable.start("parent", "child-of-p3", instance_id="p3")
    assert durable.status("p3:0")["output"] == "Hello Hello Hello Oslo"


def test_a_failing_child_raises_in_the_parent(durable: Durable) -> None:
    started = durable.start("parent_of_failure")
    assert durable.status(started["id"])["output"] == "child failed: True"


def test_a_failed_child_is_retried_after_its_interval(durable: Durable) -> None:
    started = durable.start("parent_with_retry", instance_id="r1")
    assert durable.status("r1")["runtimeStatus"] == "Running"
    durable.host.advance(minutes=1)
    done = durable.status("r1")
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "child succeeded on run 2"), started


def test_a_child_sees_its_parent_instance_id(durable: Durable) -> None:
    durable.start("parent_of_reporter", instance_id="the-parent")
    assert durable.status("the-parent")["output"] == "the-parent"
