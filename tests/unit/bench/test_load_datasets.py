"""bench.load's datasets: one seedable copy of rag_qa per run, no two copies asking the same question."""

from __future__ import annotations

import json
from pathlib import Path

from bench.load.datasets import distinct_datasets
from mlops.seed import read_manifest


def test_each_copy_is_a_valid_seed_dataset_with_questions_of_its_own(tmp_path: Path) -> None:
    manifest, names = distinct_datasets(tmp_path, 3)
    datasets = read_manifest(manifest)  # checks each file's row count against the manifest
    assert [d.record.name for d in datasets] == names == ["load_000", "load_001", "load_002"]
    assert len({d.record.eval_sha256 for d in datasets}) == 3
    questions = [{json.loads(line)["question"] for line in d.files[1].path.read_text().splitlines()} for d in datasets]
    assert len(questions[0]) == datasets[0].record.eval_rows == 40
    assert not questions[0] & questions[1] and not questions[1] & questions[2]
    assert len({f.uri for d in datasets for f in d.files}) == 6
