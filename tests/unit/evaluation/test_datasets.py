import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

DOMAINS = {"rag_qa", "medical", "legal"}
Reader = Callable[[str], list[dict[str, str]]]


def test_manifest_lists_each_domain_with_matching_counts(manifest: dict[str, Any], dataset_rows: Reader) -> None:
    assert {entry["name"] for entry in manifest["datasets"]} == DOMAINS
    for entry in manifest["datasets"]:
        assert entry["domain"] == entry["name"] and entry["description"]
        for split in ("train", "eval"):
            path = entry[f"{split}_path"]
            assert path == f"{split}/{entry['domain']}_{split}.jsonl"
            assert entry[f"{split}_blob"] == f"blob://datasets/{path}"
            assert len(dataset_rows(path)) == entry[f"{split}_rows"]
        assert entry["train_rows"] >= 200 and entry["eval_rows"] >= 40


def test_rows_are_extractive_short_spans(manifest: dict[str, Any], dataset_rows: Reader) -> None:
    for entry in manifest["datasets"]:
        for split in ("train", "eval"):
            rows = dataset_rows(entry[f"{split}_path"])
            assert len({row["question"] for row in rows}) == len(rows)
            for row in rows:
                assert set(row) == {"question", "context", "answer"}
                assert all(isinstance(value, str) and value.strip() for value in row.values())
                assert row["answer"] in row["context"]
                assert 1 <= len(row["answer"].split()) <= 6


def test_eval_is_held_out_from_train(manifest: dict[str, Any], dataset_rows: Reader, generator: ModuleType) -> None:
    for entry in manifest["datasets"]:
        train, held_out = dataset_rows(entry["train_path"]), dataset_rows(entry["eval_path"])
        assert not {r["question"] for r in train} & {r["question"] for r in held_out}
        pools = generator.entity_pools(generator.load_spec(entry["domain"]))
        train_names = {name for pool in pools.values() for name in pool["train"]}
        assert not train_names & {name for pool in pools.values() for name in pool["eval"]}
        longest_first = sorted(train_names, key=len, reverse=True)
        pattern = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in longest_first))
        leaks = [r["question"] for r in held_out if pattern.search(r["question"] + " " + r["context"])]
        assert not leaks, leaks[:3]


def test_committed_files_match_the_generator(generator: ModuleType) -> None:
    assert generator.main(["--check"]) == 0
