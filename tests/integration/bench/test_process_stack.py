"""The benchmarks' stack of processes (bench.chaos, bench.load) starts the real app on devhost: a setting the
app's triggers bind and the stack does not set stops devhost at start, and both benchmarks with it."""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.chaos.processes import Stack


def test_the_benchmark_stack_serves_the_app(tmp_path: Path) -> None:
    stack = Stack(tmp_path)
    try:
        stack.start({"HF_HUB_OFFLINE": "1"})
        reply = httpx.get(f"{stack.origin}/api/health", timeout=30)
        assert reply.status_code == 200, reply.text
    finally:
        stack.stop()
