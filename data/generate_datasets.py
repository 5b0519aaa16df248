"""Deterministic generator of the seed extractive-QA datasets (train/eval JSONL + manifest).

Templates and vocabularies live in data/templates/<domain>.json. Every named entity (product,
company, drug, trial, contract party, person) comes from a pool split once per seed: eval rows
only use the eval share, so eval questions are held out from train. Every answer is a 1-6 word
span copied from its context. Run `python data/generate_datasets.py` to (re)write
data/datasets/, or `--check` to verify the committed files match the generator.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from pathlib import Path
from typing import Any

SEED = 20240611
DOMAINS = ("rag_qa", "medical", "legal")
SIZES = {"train": 240, "eval": 40}
EVAL_SHARE = 0.2
ROOT = Path(__file__).resolve().parent
TEMPLATES_DIR = ROOT / "templates"
OUT_DIR = ROOT / "datasets"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

Row = dict[str, str]


class DatasetSpecError(ValueError):
    """A template produced a row that breaks the dataset contract."""


def load_spec(domain: str) -> dict[str, Any]:
    """Read one domain's template file."""
    spec: dict[str, Any] = json.loads((TEMPLATES_DIR / f"{domain}.json").read_text(encoding="utf-8"))
    return spec


def entity_pools(spec: dict[str, Any], seed: int = SEED) -> dict[str, dict[str, list[str]]]:
    """Split each entity kind's names into disjoint train/eval pools, deterministically."""
    pools: dict[str, dict[str, list[str]]] = {}
    for kind, entity in sorted(spec["entities"].items()):
        names = sorted({entity["sep"].join(p) for p in itertools.product(*entity["parts"])})
        random.Random(f"{seed}:{spec['domain']}:{kind}").shuffle(names)
        cut = max(1, round(len(names) * EVAL_SHARE))
        pools[kind] = {"eval": sorted(names[:cut]), "train": sorted(names[cut:])}
    return pools


def _value(vocab: Any, rng: random.Random) -> Any:
    """Draw one value from a vocabulary: a list, an integer range, or a date range."""
    if isinstance(vocab, list):
        return rng.choice(vocab)
    if "range" in vocab:
        number = rng.randint(*vocab["range"])
        return str(vocab.get("format", "{}")).format(number)
    year = rng.randint(*vocab["date"])
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"


def _fill(
    spec: dict[str, Any],
    template: dict[str, Any],
    pools: dict[str, dict[str, list[str]]],
    split: str,
    rng: random.Random,
) -> dict[str, Any]:
    """Choose a value per slot; two slots of the same type never share a value."""
    chosen: dict[str, Any] = {}
    for slot, kind in template["slots"].items():
        taken = [chosen[s] for s, k in template["slots"].items() if k == kind and s in chosen]
        while True:
            value = rng.choice(pools[kind][split]) if kind in pools else _value(spec["values"][kind], rng)
            if value not in taken:
                chosen[slot] = value
                break
    return chosen


def _row(spec: dict[str, Any], pools: dict[str, dict[str, list[str]]], split: str, rng: random.Random) -> Row:
    """Render one (question, context, answer) row and check the span contract."""
    template = rng.choice(spec["templates"])
    slots = _fill(spec, template, pools, split, rng)
    question = rng.choice(template["questions"])
    row = {
        "question": rng.choice(question["q"]).format(**slots),
        "context": template["context"].format(**slots),
        "answer": question["a"].format(**slots),
    }
    if row["answer"] not in row["context"] or not 1 <= len(row["answer"].split()) <= 6:
        raise DatasetSpecError(f"{spec['domain']}: answer {row['answer']!r} is not a 1-6 word context span")
    return row


def build_split(domain: str, split: str, seed: int = SEED) -> list[Row]:
    """Generate the rows of one domain's split, questions unique within the split."""
    spec = load_spec(domain)
    pools = entity_pools(spec, seed)
    rng = random.Random(f"{seed}:{domain}:{split}:rows")
    rows: dict[str, Row] = {}
    for _ in range(SIZES[split] * 50):
        row = _row(spec, pools, split, rng)
        rows.setdefault(row["question"], row)
        if len(rows) == SIZES[split]:
            return list(rows.values())
    raise DatasetSpecError(f"{domain}/{split}: templates too narrow for {SIZES[split]} unique questions")


def render(seed: int = SEED) -> dict[str, str]:
    """All output files (relative path -> text): the JSONL splits and manifest.json."""
    files: dict[str, str] = {}
    manifest: list[dict[str, Any]] = []
    for domain in DOMAINS:
        description = load_spec(domain)["description"]
        entry: dict[str, Any] = {"name": domain, "domain": domain, "description": description}
        for split in ("train", "eval"):
            rows = build_split(domain, split, seed)
            path = f"{split}/{domain}_{split}.jsonl"
            files[path] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            entry.update(
                {
                    f"{split}_path": path,
                    f"{split}_blob": f"blob://datasets/{path}",
                    f"{split}_rows": len(rows),
                }
            )
        manifest.append(entry)
    header = {
        "generator": "data/generate_datasets.py",
        "seed": seed,
        "paths": "relative to this manifest; the folder mirrors the `datasets` blob container",
        "row_schema": {"question": "str", "context": "str", "answer": "str (span of context)"},
    }
    files["manifest.json"] = json.dumps({**header, "datasets": manifest}, indent=2, ensure_ascii=False) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    """Write the datasets (default) or check the committed ones (--check); exit 1 on a mismatch."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for rel, text in render().items():
        target = args.out / rel
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
