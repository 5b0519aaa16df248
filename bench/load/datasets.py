"""One copy of rag_qa per run, its questions marked with the run's number.

The judge caches verdicts by prompt in PostgreSQL: runs of the same model on the same eval set would all be
answered from the first run's verdicts, and the load would make no judge call. With a copy per run each run's
prompts are its own, as those of different candidate models are in production.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.chaos.processes import ROOT

SOURCE = ROOT / "data" / "datasets"
DATASET = "rag_qa"


def _copy(split: str, number: int, folder: Path) -> tuple[str, int]:
    """The split of rag_qa with each question marked; returns its path relative to folder and its row count."""
    rows = [json.loads(line) for line in (SOURCE / split / f"{DATASET}_{split}.jsonl").read_text().splitlines()]
    relative = f"{split}/load_{number:03d}_{split}.jsonl"
    (folder / split).mkdir(parents=True, exist_ok=True)
    marked = [{**row, "question": f"[load {number}] {row['question']}"} for row in rows if row]
    (folder / relative).write_text("".join(json.dumps(row) + "\n" for row in marked))
    return relative, len(marked)


def distinct_datasets(folder: Path, count: int) -> tuple[Path, list[str]]:
    """A seed manifest of ``count`` marked copies of rag_qa under folder, and their names."""
    entries: list[dict[str, object]] = []
    for number in range(count):
        (train, train_rows), (evaluation, eval_rows) = (_copy(split, number, folder) for split in ("train", "eval"))
        entries.append({
            "name": f"load_{number:03d}", "domain": DATASET, "description": f"rag_qa, copy {number} for bench.load",
            "train_path": train, "train_blob": f"blob://datasets/load/{train}", "train_rows": train_rows,
            "eval_path": evaluation, "eval_blob": f"blob://datasets/load/{evaluation}", "eval_rows": eval_rows,
        })  # fmt: skip
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"datasets": entries}, indent=1))
    return manifest, [f"load_{number:03d}" for number in range(count)]
