"""The run use cases (mlops.run_use_cases) against in-memory fakes of the store and the topic: no services."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from mlops.approvals.identity import Principal
from mlops.payloads import PipelineInput
from mlops.requests import InvalidRequest, RunRequest
from mlops.run_use_cases import UnknownDataset, create_run, run_view
from mlops.store import ApprovalRecord, RunEvent, VoteRecord
from tests.unit.runs.fakes import NOW, FakePublisher, FakeStore, fake_services

ANA = Principal(oid="oid-ana", name="ana@contoso.com", roles=frozenset({"requester"}))


def request(**fields: object) -> RunRequest:
    body = {"model_id": "org/model", "dataset": "rag_qa", "experiment_name": "exp", "task_type": "evaluate"}
    return RunRequest.model_validate(body | fields)


async def test_a_new_run_is_stored_pending_with_its_run_created_row_published():
    store, publisher = FakeStore(), FakePublisher()
    run = await create_run(fake_services(store, publisher), request(), ANA)
    assert (run.status, run.created_by, run.created_by_oid) == ("pending", "ana@contoso.com", "oid-ana")
    assert list(store.outbox) == store.sent == [f"{run.run_id}:run.created"]
    assert [m.message_id for m in publisher.sent] == [f"{run.run_id}:run.created"]


async def test_the_run_created_event_carries_the_pipeline_input_with_the_datasets_uris_and_the_settings():
    store = FakeStore()
    svc = fake_services(store)
    run = await create_run(svc, request(task_type="finetune"), ANA)
    pipeline = PipelineInput.model_validate(json.loads(store.outbox[f"{run.run_id}:run.created"].body)["payload"])
    assert (pipeline.run_id, pipeline.task_type) == (run.run_id, "finetune")
    assert (pipeline.train_uri, pipeline.eval_uri) == ("blob://datasets/t.jsonl", "blob://datasets/e.jsonl")
    assert pipeline.training_timeout_minutes == svc.settings.training.timeout_minutes
    assert pipeline.approval_timeout_hours == svc.settings.approval_timeout_hours


async def test_without_a_threshold_or_weights_the_gate_policys_floor_and_default_profile_apply():
    svc = fake_services()
    run = await create_run(svc, request(), ANA)
    policy = svc.settings.gate_policy
    assert (run.ml_score_threshold, run.weight_profile) == (policy.threshold_floor, policy.default_profile)
    assert (run.policy_version, run.approvals_required) == (policy.version, policy.approvals_required)


async def test_a_broker_outage_keeps_the_run_and_leaves_its_row_unsent_for_the_relay():
    store = FakeStore()
    run = await create_run(fake_services(store, FakePublisher(down=True)), request(), ANA)
    assert run.run_id in store.runs and store.sent == []
    assert store.outbox[f"{run.run_id}:run.created"].attempts == 1


async def test_a_threshold_below_the_policy_floor_is_refused_naming_the_field_and_writes_nothing():
    store = FakeStore()
    with pytest.raises(InvalidRequest) as refused:
        await create_run(fake_services(store), request(ml_score_threshold=0.1), ANA)
    assert list(refused.value.fields) == ["ml_score_threshold"]
    assert (store.runs, store.outbox) == ({}, {})


async def test_an_unknown_dataset_is_refused_and_writes_nothing():
    store = FakeStore()
    with pytest.raises(UnknownDataset):
        await create_run(fake_services(store), request(dataset="nope"), ANA)
    assert (store.runs, store.outbox) == ({}, {})


async def test_an_unknown_run_has_no_view():
    assert await run_view(fake_services(), "no-such-run", None) is None


async def _stored_run(store: FakeStore) -> str:
    return (await create_run(fake_services(store), request(), ANA)).run_id


async def test_the_view_shows_metrics_apart_from_the_decision_and_judge_numbers_behind_the_gate():
    store = FakeStore()
    run_id = await _stored_run(store)
    store.results[run_id] = {"exact_match": 0.8, "decision.nan_fraction": 0.0, "judge.chat_calls": 4.0}
    view = await run_view(fake_services(store), run_id, {"runtime_status": "Running"})
    assert view is not None
    assert view["results"] == {"exact_match": 0.8}
    assert view["evaluation"] == {"decision": {"nan_fraction": 0.0}, "judge": {"chat_calls": 4.0}}
    assert view["orchestration"] == {"runtime_status": "Running"}


async def test_the_view_never_shows_a_cards_signed_links():
    store = FakeStore()
    run_id = await _stored_run(store)
    card = RunEvent(
        id=1, run_id=run_id, kind="card", status="awaiting_approval", message="approval card sent",
        details={"kind": "approval_requested", "card": {"actions": [{"url": "https://x/approve?sig=secret"}]}},
        dedupe_key=None, at=NOW,
    )  # fmt: skip
    store.events[run_id] = [card]
    view = await run_view(fake_services(store), run_id, None)
    assert view is not None and view["events"][0]["details"] == {"kind": "approval_requested"}


async def test_the_view_counts_approvals_against_those_the_run_requires():
    store = FakeStore()
    run_id = await _stored_run(store)
    store.runs[run_id] = replace(store.runs[run_id], approvals_required=2)
    store.votes[run_id] = [VoteRecord(run_id, "oid-bo", "bo@contoso.com", "approve", None, "ui", NOW)]
    view = await run_view(fake_services(store), run_id, None)
    assert view is not None
    assert (view["approvals"]["summary"], view["approval"]) == ("1 of 2 approvals", None)
    assert [v["approver"] for v in view["approvals"]["votes"]] == ["bo@contoso.com"]


async def test_the_view_of_a_decided_run_shows_who_decided_when_and_how():
    store = FakeStore()
    run_id = await _stored_run(store)
    decided_at = NOW + timedelta(hours=2)
    store.approvals[run_id] = ApprovalRecord(run_id, "approve", "bo@contoso.com", "fine", "teams_link", decided_at)
    view = await run_view(fake_services(store), run_id, None)
    assert view is not None and view["approval"] == {
        "decision": "approve",
        "approver": "bo@contoso.com",
        "comment": "fine",
        "via": "teams_link",
        "decided_at": decided_at.isoformat(),
    }
