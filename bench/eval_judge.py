"""Benchmark: our judge evaluation vs ragas.evaluate (default RunConfig) on the Mistral API stub.

200 samples, the 4 LLM metrics (faithfulness, answer relevancy, context precision, context recall),
150 ms per stub call, both in one invocation; prints wall times, judge calls, the ideal
(calls x latency / concurrency) and the calls of a second evaluation of the same answers. Our side
caches as the app does: in the run store's PostgreSQL (an embedded server started for the run), and
the second evaluation is another Judge, with nothing in its memory, as on another instance.
Run: .venv/bin/python -m bench.eval_judge [--samples 200] [--latency 0.15] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path
from typing import Any

from devstack.postgres import start_postgres, stop_postgres
from mlops.evaluation.judge import build_judge
from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.judge_metrics import build_judge_scorers, score_judge
from mlops.evaluation.rows import PredictionRow
from mlops.settings import JudgeSettings
from mlops.store import RunStore

METRICS = ["faithfulness", "answer_relevancy", "context_precision", "llm_context_recall"]
DATA = Path(__file__).resolve().parents[1] / "data" / "datasets" / "eval"
RESULTS = Path(__file__).resolve().parent / "results" / "eval_judge.json"


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
        await score_judge(rows, build_judge_scorers(judge, METRICS), {})
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", RAGAS_DO_NOT_TRACK="true")
    stub = subprocess.Popen(
        [sys.executable, "-m", "tests.tools.mistral_stub", "--latency", str(args.latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    pg_dir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    try:
        endpoint = (stub.stdout.readline() if stub.stdout else "").strip()
        rows = load_rows(args.samples)
        dsn = start_postgres(pg_dir, "bench").dsn
        before = stub_calls(endpoint)
        our_time, usage = asyncio.run(ours(endpoint, rows, args.concurrency, dsn))
        our_calls = delta(stub_calls(endpoint), before)
        before = stub_calls(endpoint)
        again_time, _ = asyncio.run(ours(endpoint, rows, args.concurrency, dsn))
        again_calls = delta(stub_calls(endpoint), before)
        stop_postgres(pg_dir)
        before = stub_calls(endpoint)
        ragas_time = ragas_baseline(endpoint, rows)
        ragas_calls = delta(stub_calls(endpoint), before)
    finally:
        stub.terminate()
        stop_postgres(pg_dir)
        shutil.rmtree(pg_dir, ignore_errors=True)
    ideal = sum(our_calls.values()) * args.latency / args.concurrency
    report = {
        "samples": args.samples,
        "latency_s": args.latency,
        "concurrency": args.concurrency,
        "metrics": METRICS,
        "ours": {"wall_s": round(our_time, 2), "calls": our_calls, "ideal_s": round(ideal, 2)},
        "ours_vs_ideal": round(our_time / ideal, 3),
        "ours_tokens": {"input": usage.input_tokens, "output": usage.output_tokens, "cost": round(usage.cost, 4)},
        "second_run": {"wall_s": round(again_time, 2), "calls": again_calls, "cache": "postgresql"},
        "ragas_evaluate": {"wall_s": round(ragas_time, 2), "calls": ragas_calls, "run_config": "default"},
        "ragas_over_ours": round(ragas_time / our_time, 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
