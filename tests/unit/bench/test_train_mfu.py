"""bench.train_mfu: the CPU smoke run writes a well-formed result; the default shape is ~1 B parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from bench.train_mfu import build_model, main, matmul_params


def test_tiny_cpu_run_writes_a_result_without_an_mfu(tmp_path: Path) -> None:
    out = tmp_path / "train_mfu.json"
    assert main(["--device", "cpu", "--tiny", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["device"] == "cpu" and report["weights_dtype"] == "float32"
    assert report["mfu"] is None and report["peak_tflops"] is None
    assert "not meaningful on CPU" in report["mfu_note"]
    assert report["timed_steps"] == 3 and report["timed_seconds"] > 0  # 4 steps, the first one untimed
    assert report["real_token_fraction"] == 1.0  # packed rows: no padding
    assert report["params_matmul_n"] == 106_496  # 2 x (q 64x64, k/v 64x32, o 64x64, MLP 3 x 64x128) + lm_head 64x512
    assert 0 < report["params_trainable"] < report["params_total"]  # only the LoRA adapters train
    assert report["flops_per_token"] == "4N"
    flops = report["tokens_per_s"] * 4 * report["params_matmul_n"]
    assert report["achieved_tflops"] * 1e12 == pytest.approx(flops)


def test_default_shape_is_about_one_billion_parameters() -> None:
    model = build_model("1b", torch.device("meta"), torch.bfloat16, seed=0)  # shapes only, no memory
    assert 0.95e9 < sum(p.numel() for p in model.parameters()) < 1.05e9
    per_layer = 2 * 2048 * 2048 + 2 * 2048 * 512 + 3 * 2048 * 7168  # q, o; k, v (GQA); MLP
    assert matmul_params(model) == 16 * per_layer + 2048 * 32000  # + lm_head; not the lookup, not the norms
