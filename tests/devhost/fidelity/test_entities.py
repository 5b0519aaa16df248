"""Durable entities through the HTTP API and the SDK: signals, calls, state in the task hub, listing."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.devhost.fidelity.conftest import HOOK, PATTERNS_APP, Durable
from tests.fixtures.devhost import run_devhost


def _entity(durable: Durable, key: str) -> str:
    return f"{durable.base}/entities/Counter/{key}"


def test_a_signal_over_http_sets_the_state(durable: Durable) -> None:
    assert httpx.post(_entity(durable, "h1"), params={"op": "add"}, json=3).status_code == 202
    durable.host.wait_idle()
    reply = httpx.get(_entity(durable, "h1"))
    assert (reply.status_code, reply.json()) == (200, 3)


def test_signals_apply_in_order(durable: Durable) -> None:
    for op, value in (("add", 4), ("reset", None), ("add", 6)):
        httpx.post(_entity(durable, "h2"), params={"op": op}, json=value).raise_for_status()
    durable.host.wait_idle()
    assert httpx.get(_entity(durable, "h2")).json() == 6


def test_an_unknown_entity_reads_not_found(durable: Durable) -> None:
    assert httpx.get(_entity(durable, "never-set")).status_code == 404


def test_a_signal_without_an_operation_is_refused(durable: Durable) -> None:
    reply = httpx.post(_entity(durable, "h3"), json=1)
    assert reply.status_code == 400
    assert "'op'" in reply.json()["Message"]


def test_the_sdk_client_signals_and_reads_state(durable: Durable) -> None:
    api = durable.host.base_url + "/api/counters/sdk1"
    assert httpx.post(api, params={"op": "add"}, json=7).status_code == 202
    durable.host.wait_idle()
    assert httpx.get(api).json() == {"exists": True, "state": 7}


def test_the_sdk_client_reads_a_missing_entity_as_absent(durable: Durable) -> None:
    assert httpx.get(durable.host.base_url + "/api/counters/nobody").json() == {"exists": False, "state": None}


def test_an_orchestrator_signals_then_calls_in_order(durable: Durable) -> None:
    started = durable.start("entity_caller", "o1")
    assert durable.status(started["id"])["output"] == [7, 7]


def test_a_failing_operation_raises_in_the_calling_orchestrator(durable: Durable) -> None:
    started = durable.start("entity_failure", "o2")
    assert durable.status(started["id"])["output"] == "caught: True"


def test_a_removed_entity_no_longer_exists(durable: Durable) -> None:
    httpx.post(_entity(durable, "gone"), params={"op": "add"}, json=1).raise_for_status()
    httpx.post(_entity(durable, "gone"), params={"op": "remove"}).raise_for_status()
    durable.host.wait_idle()
    assert httpx.get(_entity(durable, "gone")).status_code == 404


def test_state_survives_a_restart_of_the_host(tmp_path: Path) -> None:
    with run_devhost(PATTERNS_APP, state_dir=tmp_path, broker=False) as first:
        httpx.post(f"{first.base_url}{HOOK}/entities/Counter/kept", params={"op": "add"}, json=9).raise_for_status()
        first.wait_idle()
    with run_devhost(PATTERNS_APP, state_dir=tmp_path, broker=False) as second:
        assert httpx.get(f"{second.base_url}{HOOK}/entities/Counter/kept").json() == 9


def test_listing_returns_the_entities_of_one_function(durable: Durable) -> None:
    for key in ("list-a", "list-b"):
        httpx.post(_entity(durable, key), params={"op": "add"}, json=1).raise_for_status()
    durable.host.wait_idle()
    listed = httpx.get(f"{durable.base}/entities/Counter").json()
    keys = {e["entityId"]["key"]: e["state"] for e in listed}
    assert {k: v for k, v in keys.items() if k.startswith("list-")} == {"list-a": 1, "list-b": 1}
