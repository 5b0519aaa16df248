import math
import uuid

import pytest

from mlops.store import RunNotFound, RunStore
from tests.integration.store.support import MakeRun

pytest_plugins = ["tests.fixtures.services"]


async def test_results_keep_nan_as_null_and_are_replaced(make_run: MakeRun, run_store: RunStore) -> None:
    run = await make_run()
    await run_store.save_results(
        run.run_id,
        {"rouge_l": 0.5, "bleu": math.nan, "exact_match": None},
        {"rouge_l": 0.6, "context_recall": 0.4},
    )
    assert await run_store.get_results(run.run_id) == {
        "bleu": None,
        "context_recall": None,
        "exact_match": None,
        "rouge_l": 0.5,
    }
    assert await run_store.get_weights(run.run_id) == {
        "bleu": 0.0,
        "context_recall": 0.4,
        "exact_match": 0.0,
        "rouge_l": 0.6,
    }
    await run_store.save_results(run.run_id, {"rouge_l": 0.75}, {"rouge_l": 1.0})
    assert await run_store.get_results(run.run_id) == {"rouge_l": 0.75}


async def test_results_for_an_unknown_run(run_store: RunStore) -> None:
    with pytest.raises(RunNotFound):
        await run_store.save_results(str(uuid.uuid4()), {"rouge_l": 1.0}, {})
    assert await run_store.get_results(str(uuid.uuid4())) == {}
