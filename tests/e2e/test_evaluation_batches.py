"""End to end through devhost: an evaluation fanned out over several batches stores what one batch would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlops.blob import BlobStore
from mlops.evaluation import aevaluate_predictions, read_predictions
from tests.e2e.conftest import Api

FLOAT_NOISE = 1e-6  # MiniLM pads each batch's texts together: semantic_similarity moves in the 7th decimal


def test_a_multi_batch_evaluation_stores_the_results_of_one_batch(
    devhost_factory: Callable[..., Any], tiny_model: Path, stack_env: dict[str, str]
) -> None:
    with devhost_factory(EVAL_BATCH_SIZE="16") as devhost:  # the 40 eval rows: batches of 16, 16 and 8
        api = Api(devhost)
        run_id = api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=1.0)
        run = api.wait_for(run_id, {"completed", "failed"}, timeout=600)
        samples = api.get(f"/runs/{run_id}/samples?limit=100").json()["samples"]
    assert (run["status"], run["decision"]) == ("completed", "rejected"), run
    [evaluated] = [e for e in run["events"] if "report" in (e["details"] or {})]
    folder = evaluated["details"]["report"][0].rsplit("/", 1)[0]
    blob = BlobStore.from_connection_string(stack_env["BLOB_CONNECTION_STRING"])
    assert sorted(blob.list_sizes(f"{folder}/evaluation-batches")) == [
        "000000-000016.json",
        "000016-000032.json",
        "000032-000040.json",
    ]

    rows = read_predictions(blob.read_text(f"{folder}/predictions.jsonl"))
    one_batch = asyncio.run(aevaluate_predictions(rows, raise_on_failure=False))
    scored = {name: run["results"].pop(name) for name in one_batch.metrics}
    assert scored == pytest.approx(one_batch.metrics, abs=FLOAT_NOISE)
    assert set(run["results"].values()) == {None}  # the judge's metrics: no judge here
    assert run["ml_score"] == pytest.approx(one_batch.ml_score, abs=FLOAT_NOISE)
    assert len(samples) == len(rows) == 40
    for sample in samples:
        assert sample["scores"] == pytest.approx(one_batch.per_sample[sample["idx"]], abs=FLOAT_NOISE)
        assert sample["response"] == rows[sample["idx"]].response
