"""Benchmark: our judge evaluation vs ragas.evaluate (default RunConfig) on the Mistral API stub.

200 samples, the 4 LLM metrics (faithfulness, answer relevancy, context precision, context recall),
150 ms per stub call. Our side caches as the app does: in the run store's PostgreSQL (an embedded
server started for the run). Each pair is a cold evaluation (cache emptied) and a repeat by another
Judge with nothing in its memory, as on another instance; the ratio is the cold wall time over the
ideal, calls x latency / concurrency (bench.pairs: median, spread, load; exit 2 when the spread is
too wide, 1 when the goal, <= 1.10x with 0 repeat calls, is not met). One ragas.evaluate run follows.
Run: .venv/bin/python -m bench.eval_judge [--samples 200] [--latency 0.15] [--concurrency 16] [--pairs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path
from typing import Any

import asyncpg

from bench.pairs import Pair, Side, record_if_steady, run_pairs, summarize
from devstack.postgres import start_postgres, stop_postgres
from mlops.evaluation.judge import build_judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.judge_metrics import CELLS_PER_SLOT, build_judge_scorers, score_judge
from mlops.evaluation.rows import PredictionRow
from mlops.settings import JudgeSettings
from mlops.store import RunStore

METRICS = ["faithfulness", "answer_relevancy", "context_precision", "llm_context_recall"]
DATA = Path(__file__).resolve().parents[1] / "data" / "datasets" / "eval"
RESULTS = Path(__file__).resolve().parent / "results" / "eval_judge.json"
GOAL_RATIO = 1.10  # issue 17: our cold evaluation within 1.10x the ideal (median of the pairs)


def load_rows(count: int) -> list[PredictionRow]:
    """Eval rows of the seed datasets, answered with the reference (every other one with a wrong span)."""
    raw = [json.loads(line) for path in sorted(DATA.glob("*.jsonl")) for line in path.read_text().splitlines()]
    raw = (raw * (count // len(raw) + 1))[:count]
    return [
        PredictionRow(r["question"], r["context"], r["answer"], r["answer"] if i % 2 == 0 else "not stated")
        for i, r in enumerate(raw)
    ]


def stub_calls(endpoint: str) -> dict[str, int]:
    with urllib.request.urlopen(endpoint.removesuffix("/v1") + "/stub/stats") as response:
        stats: dict[str, int] = json.load(response)
    return {"chat": stats.get("chat_requests", 0), "embedding": stats.get("embedding_requests", 0)}


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in after}


async def ours(endpoint: str, rows: list[PredictionRow], concurrency: int, dsn: str) -> tuple[float, Any]:
    """Wall time and usage of one evaluation by a fresh Judge on the shared PostgreSQL cache."""
    store = await RunStore.connect(dsn)
    try:
        await store.migrate()
        judge = build_judge(JudgeSettings(endpoint, "bench-key", max_concurrency=concurrency), JudgeCache(store))
        started = time.perf_counter()
        scorers = build_judge_scorers(judge, METRICS)
        await score_judge(rows, scorers, {}, in_flight=CELLS_PER_SLOT * concurrency)
        return time.perf_counter() - started, judge.usage
    finally:
        await store.close()


def ragas_baseline(endpoint: str, rows: list[PredictionRow]) -> float:
    from langchain_mistralai import ChatMistralAI, MistralAIEmbeddings
    from pydantic import SecretStr
    from ragas import EvaluationDataset, evaluate
    from ragas.embeddings import LangchainEmbeddingsWrapper
    from ragas.llms import LangchainLLMWrapper

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ragas.metrics import AnswerRelevancy, Faithfulness, LLMContextPrecisionWithReference, LLMContextRecall

        from mlops.evaluation.judge import _offline_tokenizer

        key = SecretStr("bench-key")
        chat = ChatMistralAI(model="mistral-small-latest", base_url=endpoint, api_key=key)  # type: ignore[call-arg]
        llm = LangchainLLMWrapper(chat)
        embeddings = LangchainEmbeddingsWrapper(
            MistralAIEmbeddings(endpoint=endpoint, api_key=key, tokenizer=_offline_tokenizer())
        )
        data = EvaluationDataset.from_list(
            [
                {
                    "user_input": r.question,
                    "response": r.response,
                    "retrieved_contexts": [r.context],
                    "reference": r.reference,
                }
                for r in rows
            ]
        )
        metrics = [Faithfulness(), AnswerRelevancy(), LLMContextPrecisionWithReference(), LLMContextRecall()]
        started = time.perf_counter()
        evaluate(data, metrics=metrics, llm=llm, embeddings=embeddings, show_progress=False)
    return time.perf_counter() - started


def _forget_verdicts(dsn: str) -> None:
    """Empty the shared judge cache, so the next evaluation starts cold."""

    async def truncate() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(  # absent until the first evaluation migrates the store
                "DO $$ BEGIN IF to_regclass('judge_cache') IS NOT NULL THEN TRUNCATE judge_cache; END IF; END $$"
            )
        finally:
            await connection.close()

    asyncio.run(truncate())


def _evaluation(endpoint: str, rows: list[PredictionRow], args: argparse.Namespace, dsn: str, cold: bool) -> Side:
    """One side of a pair: an evaluation by a fresh Judge (on an emptied cache when ``cold``), its calls counted."""

    def measure() -> dict[str, Any]:
        if cold:
            _forget_verdicts(dsn)
        before = stub_calls(endpoint)
        wall, usage = asyncio.run(ours(endpoint, rows, args.concurrency, dsn))
        calls = delta(stub_calls(endpoint), before)
        ideal = sum(calls.values()) * args.latency / args.concurrency
        return {"wall_s": wall, "calls": calls, "ideal_s": ideal, "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens, "cost": usage.cost}  # fmt: skip

    return measure


def _print_pair(pair: Pair) -> None:
    cold, repeat = pair.results["cold"], pair.results["repeat"]
    print(
        f"pair: cold {cold['wall_s']:.2f} s (ideal {cold['ideal_s']:.2f} s, {sum(cold['calls'].values())} calls)  "
        f"repeat {repeat['wall_s']:.2f} s ({sum(repeat['calls'].values())} calls)  ratio {pair.ratio:.3f}x  "
        f"load {pair.load_before:.1f} -> {pair.load_after:.1f}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=5, help="(cold, repeat) evaluations, at least 5")
    parser.add_argument("--max-iqr", type=float, default=0.10, help="refuse when the ratios' IQR exceeds this share")
    parser.add_argument("--ragas", action=argparse.BooleanOptionalAction, default=True,
                        help="one ragas.evaluate run after the pairs, for comparison")  # fmt: skip
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", RAGAS_DO_NOT_TRACK="true")
    stub = subprocess.Popen(
        [sys.executable, "-m", "tests.tools.mistral_stub", "--latency", str(args.latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    pg_dir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    ragas: dict[str, Any] | None = None
    try:
        endpoint = (stub.stdout.readline() if stub.stdout else "").strip()
        rows = load_rows(args.samples)
        dsn = start_postgres(pg_dir, "bench").dsn
        sides = {"cold": _evaluation(endpoint, rows, args, dsn, cold=True),
                 "repeat": _evaluation(endpoint, rows, args, dsn, cold=False)}  # fmt: skip
        pairs = run_pairs(args.pairs, sides, lambda r: r["cold"]["wall_s"] / r["cold"]["ideal_s"],
                          alternate=False, on_pair=_print_pair)  # fmt: skip
        stop_postgres(pg_dir)
        if args.ragas:
            before = stub_calls(endpoint)
            ragas = {"wall_s": round(ragas_baseline(endpoint, rows), 2), "calls": delta(stub_calls(endpoint), before),
                     "run_config": "default", "runs": 1}  # fmt: skip
    finally:
        stub.terminate()
        stop_postgres(pg_dir)
        shutil.rmtree(pg_dir, ignore_errors=True)
    summary = summarize(pairs)
    cold = [pair.results["cold"] for pair in pairs]
    repeat_calls = max(sum(pair.results["repeat"]["calls"].values()) for pair in pairs)
    median_wall = statistics.median(run["wall_s"] for run in cold)
    report = {
        "samples": args.samples, "distinct_samples": len(set(rows)),  # repeats are answered from the cache
        "latency_s": args.latency, "concurrency": args.concurrency, "metrics": METRICS,
        "ideal": "calls x latency / concurrency (the calls the stub counted in that cold run)",
        "ours_vs_ideal": summary.as_dict(),
        "cold": cold,
        "repeat": [pair.results["repeat"] for pair in pairs],
        "repeat_calls_max": repeat_calls,
        "loads": [[pair.load_before, pair.load_after] for pair in pairs],
        "ragas_evaluate": ragas,
        "ragas_over_ours_median": round(ragas["wall_s"] / median_wall, 2) if ragas else None,
    }  # fmt: skip
    print(summary.line("ours / ideal"))
    print(f"repeat evaluations: at most {repeat_calls} calls")
    if ragas:
        print(
            f"ragas.evaluate (one run): {ragas['wall_s']} s, {ragas['calls']}, {report['ragas_over_ours_median']}x ours"
        )
    if not record_if_steady(summary, args.max_iqr, report, RESULTS):
        return 2
    met = summary.median <= GOAL_RATIO and repeat_calls == 0
    print(f"goal (<= {GOAL_RATIO}x the ideal, 0 repeat calls): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
