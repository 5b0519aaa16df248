"""Shared values for the run store tests."""

from collections.abc import Awaitable, Callable

from mlops.store import DatasetRecord, NewRun, RunRecord

DATASET = DatasetRecord(
    name="rag_qa",
    domain="rag_qa",
    description="extractive QA",
    train_uri="blob://datasets/train/rag_qa_train.jsonl",
    eval_uri="blob://datasets/eval/rag_qa_eval.jsonl",
    train_rows=240,
    eval_rows=40,
)

MakeRun = Callable[..., Awaitable[RunRecord]]


def new_run(**overrides: object) -> NewRun:
    values: dict[str, object] = {
        "model_id": "HuggingFaceTB/SmolLM2-135M",
        "dataset": DATASET.name,
        "experiment_name": "exp",
        "task_type": "finetune",
        "ml_score_threshold": 0.7,
        "metric_weights": {"rouge_l": 0.5, "exact_match": 0.5},
        "created_by": "tester",
    }
    values.update(overrides)
    return NewRun(**values)  # type: ignore[arg-type]
