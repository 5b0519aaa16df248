"""The comparison routes on the real function app: GET /api/runs/{id}/comparison shows what the evaluation
stored, and POST /api/runs/{id}/rescore re-scores from stored per-sample scores with 0 judge calls (the
Mistral stub, configured as the app's judge, counts every request), never changing the recorded decision."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mlops.evaluation import MetricWeights
from mlops.evaluation.comparison import compare, first_model
from mlops.store import NewRun, SampleScore
from tests.e2e.conftest import Api
from tests.fixtures.services import migrated_store
from tests.tools.mistral_stub import MistralStub, StubServer

ROWS = 40


def _samples(shift: float, answer: str) -> list[SampleScore]:
    return [
        SampleScore(i, f"q{i}", f"r{i}", f"{answer}{i}", {"exact_match": float(i % 2), "rouge_l": 0.5 + shift}, None)
        for i in range(ROWS)
    ]


async def _seed(dsn: str) -> tuple[str, str, str]:
    """A champion run and a candidate run scored on rag_qa's eval set, the candidate's comparison stored."""
    async with migrated_store(dsn) as store:
        dataset = await store.get_dataset("rag_qa")
        assert dataset is not None and dataset.eval_sha256
        ids = []
        for shift, answer in ((0.0, "old"), (0.2, "new")):
            new = NewRun("m", "rag_qa", "e2e", "finetune", 0.5, MetricWeights().as_dict(), created_by="riley")
            run = await store.create_run(new)
            await store.save_samples(run.run_id, _samples(shift, answer))
            ids.append(run.run_id)
        champion, candidate = ids
        await store.save_comparison(champion, dataset.eval_sha256, first_model())
        ref = {
            "model": "m-ft v1",
            "name": "m-ft",
            "version": "1",
            "run_id": champion,
            "eval_sha256": dataset.eval_sha256,
        }
        theirs, mine = await store.samples(champion), await store.samples(candidate)
        stored = compare(mine, theirs, MetricWeights().as_dict(), ref, ["rag_qa"] * ROWS)
        await store.save_comparison(candidate, dataset.eval_sha256, stored | {"eval_sha256": dataset.eval_sha256})
        return champion, candidate, dataset.eval_sha256


@pytest.fixture
def judged(devhost_factory: Callable[..., Any], stack_env: dict[str, str]) -> Iterator[tuple[Api, MistralStub]]:
    """The app with the Mistral stub as its judge (AZURE_AI_ENDPOINT), its counters at 0."""
    with (
        StubServer(MistralStub()) as server,
        devhost_factory(AZURE_AI_ENDPOINT=server.endpoint, AZURE_AI_API_KEY="test-key") as devhost,
    ):
        yield Api(devhost, roles=("approver",)), server.stub


def test_the_comparison_route_shows_what_the_evaluation_stored(
    judged: tuple[Api, MistralStub], stack_env: dict[str, str]
) -> None:
    api, _ = judged
    _, candidate, sha = asyncio.run(_seed(stack_env["DATABASE_URL"]))
    body = api.get(f"/runs/{candidate}/comparison").json()
    assert (body["eval_sha256"], body["comparison"]["status"]) == (sha, "compared")
    assert body["comparison"]["summary"].startswith("0.")
    assert api.run(candidate)["comparison"] == body["comparison"]


def test_rescore_under_other_weights_makes_no_judge_call_and_keeps_the_decision(
    judged: tuple[Api, MistralStub], stack_env: dict[str, str]
) -> None:
    api, stub = judged
    _, candidate, _ = asyncio.run(_seed(stack_env["DATABASE_URL"]))
    recorded = api.run(candidate)
    response = api.post(f"/runs/{candidate}/rescore", {"weights": {"rouge_l": 1.0}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ml_score"] == pytest.approx(0.7)
    assert body["comparison"]["ml_score"]["diff"] == pytest.approx(0.2)  # the champion re-weighted alike
    assert (body["judge_calls"], stub.stats().get("chat_requests", 0), stub.stats().get("embedding_requests", 0)) == (
        0,
        0,
        0,
    )
    after = api.run(candidate)
    assert (after["comparison"], after["ml_score"], after["decision"]) == (
        recorded["comparison"],
        recorded["ml_score"],
        recorded["decision"],
    )


def test_rescore_refuses_bad_weights_naming_the_field(
    judged: tuple[Api, MistralStub], stack_env: dict[str, str]
) -> None:
    api, _ = judged
    _, candidate, _ = asyncio.run(_seed(stack_env["DATABASE_URL"]))
    response = api.post(f"/runs/{candidate}/rescore", {"weights": {"not_a_metric": 1.0}})
    assert response.status_code == 422 and "weights" in response.json()["fields"]


def test_unknown_runs_and_callers_without_a_sign_in_are_refused(judged: tuple[Api, MistralStub]) -> None:
    api, _ = judged
    missing = "00000000-0000-4000-8000-000000000000"
    assert api.get(f"/runs/{missing}/comparison").status_code == 404
    assert api.post(f"/runs/{missing}/rescore", {"weights": {"rouge_l": 1.0}}).status_code == 404
    anonymous = httpx.post(f"{api.base}/runs/{missing}/rescore", json={"weights": {"rouge_l": 1.0}}, timeout=30)
    assert anonymous.status_code == 401
