"""Runs per day of a deployment, resource by resource (docs/capacity.md; a test keeps the doc equal to this).

Each resource carries ``capacity per day / cost per run``; the smallest is what saturates first. The costs
per run are an ``evaluate``/``finetune`` run on the rag_qa eval set (40 rows): the judge's from the first
cold evaluation in bench/results/eval_judge.json (its calls and tokens per distinct sample, 4 judge metrics:
repeated rows are answered from the cache), the jobs' node minutes are estimates until bench.load runs on
Azure (node start from zero included).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from infra.checks import bicep
from infra.checks.capacity import budget, cpu_job_nodes, main_defaults

EVAL_ROWS = 40
JUDGE_BENCH = json.loads((Path(__file__).resolve().parents[2] / "bench" / "results" / "eval_judge.json").read_text())
JUDGE_COLD_RUN = JUDGE_BENCH["cold"][0]
JUDGE_REQUESTS_PER_RUN = EVAL_ROWS * sum(JUDGE_COLD_RUN["calls"].values()) // JUDGE_BENCH["distinct_samples"]
JUDGE_TOKENS_PER_RUN = (
    EVAL_ROWS * (JUDGE_COLD_RUN["input_tokens"] + JUDGE_COLD_RUN["output_tokens"]) // JUDGE_BENCH["distinct_samples"]
)
GPU_NODE_MINUTES_PER_RUN = 10  # estimate: LoRA job + answer generation, node start amortised
CPU_NODE_MINUTES_PER_RUN = 5  # estimate: staging + scoring jobs
FUNCTION_ACTIVITY_SECONDS_PER_RUN = 30  # estimate: every activity of one run, one after the other
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Limit:
    resource: str
    parameter: str
    runs_per_day: int


def limits(parameters_file: str = "parameters.dev.json") -> list[Limit]:
    """Runs per day each resource carries under one parameters file, smallest (the first to saturate) first."""
    given = json.loads((bicep.INFRA / parameters_file).read_text())["parameters"]
    values = {**main_defaults(), **{name: entry["value"] for name, entry in given.items()}}
    rpm, tpm = int(values["judgeRequestsPerMinute"]), int(values["judgeTokensPerMinute"])
    gpu_nodes, day = int(values["gpuMaxNodes"]), MINUTES_PER_DAY
    instances = budget(parameters_file).instances
    host = json.loads((bicep.INFRA.parent / "host.json").read_text())
    activities = int(host["extensions"]["durableTask"]["maxConcurrentActivityFunctions"])
    found = [
        Limit("GPU cluster nodes", "gpuMaxNodes", gpu_nodes * day // GPU_NODE_MINUTES_PER_RUN),
        Limit("CPU cluster nodes", "cpu-jobs-cluster maxNodeCount", cpu_job_nodes() * day // CPU_NODE_MINUTES_PER_RUN),
        Limit("judge tokens per minute", "judgeTokensPerMinute", tpm * MINUTES_PER_DAY // JUDGE_TOKENS_PER_RUN),
        Limit("judge requests per minute", "judgeRequestsPerMinute", rpm * MINUTES_PER_DAY // JUDGE_REQUESTS_PER_RUN),
        Limit(
            "Flex Consumption instances", "maximumInstanceCount",
            instances * activities * MINUTES_PER_DAY * 60 // FUNCTION_ACTIVITY_SECONDS_PER_RUN,
        ),
    ]  # fmt: skip
    return sorted(found, key=lambda limit: limit.runs_per_day)


def table(parameters_file: str = "parameters.dev.json") -> list[str]:
    """The markdown rows docs/capacity.md shows for ``parameters_file``."""
    return [f"| {x.resource} | `{x.parameter}` | {x.runs_per_day:,} |" for x in limits(parameters_file)]
