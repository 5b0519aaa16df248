"""Benchmark: MFU of training_job's LoRA loop on a randomly initialised ~1 B Mistral-shaped model (GPU).

Packed synthetic rows (every token a label) are trained with ``training_job.lora.train_lora``, bf16 on
CUDA. MFU = real tokens/s x k x N / peak: N = every Linear weight (lm_head included), k = 4 for LoRA
(forward 2N + activation gradients 2N; frozen weights get none), 6 with gradient checkpointing. The
first ``--warmup`` steps are not timed. ``--device cpu --tiny`` is a smoke run with no MFU (a CPU has
no comparable peak). bench/README.md says how to run it and what is left out of the count.
Run: .venv/bin/python -m bench.train_mfu [--gpu h100-sxm|h100-pcie|h200] [--gradient-checkpointing]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

import torch
from transformers import MistralConfig, MistralForCausalLM

from training_job.lora import LoraSettings, TrainOptions, train_lora
from training_job.prompts import Example

RESULTS = Path(__file__).resolve().parent / "results" / "train_mfu.json"
PEAK_BF16_TFLOPS = {"h100-sxm": 989.0, "h100-pcie": 756.0, "h200": 989.0}  # dense, no sparsity
SHAPES = {  # hidden, layers, heads, kv heads, MLP, vocab
    "1b": (2048, 16, 16, 4, 7168, 32000),
    "tiny": (64, 2, 4, 2, 128, 512),
}
RUN_DEFAULTS = {  # per shape, for the options not given
    "1b": {"seq_len": 2048, "batch_size": 8, "steps": 30, "warmup": 5},
    "tiny": {"seq_len": 64, "batch_size": 2, "steps": 4, "warmup": 1},
}


def build_model(shape: str, device: torch.device, dtype: torch.dtype, seed: int) -> Any:
    """A randomly initialised MistralForCausalLM of ``shape``, created directly on ``device``."""
    hidden, layers, heads, kv_heads, mlp, vocab = SHAPES[shape]
    config = MistralConfig(
        vocab_size=vocab, hidden_size=hidden, intermediate_size=mlp, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=kv_heads, max_position_embeddings=8192,
        sliding_window=None, tie_word_embeddings=False, use_cache=False,
    )  # fmt: skip
    torch.manual_seed(seed)
    with device:
        model: Any = MistralForCausalLM(config)
    return model.to(dtype)


def matmul_params(model: Any) -> int:
    """N: the weights of every Linear layer, each one a matmul per token (lm_head included)."""
    return sum(module.weight.numel() for module in model.modules() if isinstance(module, torch.nn.Linear))


def packed_rows(count: int, seq_len: int, vocab: int, seed: int) -> list[Example]:
    """``count`` synthetic rows of exactly ``seq_len`` tokens, every one of them a label (no padding)."""
    rng = random.Random(seed)
    rows = [[rng.randrange(vocab) for _ in range(seq_len)] for _ in range(count)]
    return [Example(ids, list(ids)) for ids in rows]


class StepClock:
    """Timestamps each optimiser step after the device has finished it; times the steps after warm-up."""

    def __init__(self, device: torch.device, warmup: int) -> None:
        self.device, self.warmup = device, warmup
        self.marks: dict[int, float] = {}

    def __call__(self, step: int, loss: float) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        self.marks[step] = time.perf_counter()

    def timed(self) -> tuple[int, float]:
        """(steps, seconds) from the end of the last warm-up step to the end of the last step."""
        last = max(self.marks)
        return last - self.warmup, self.marks[last] - self.marks[self.warmup]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Train, time and account; the result is what train_mfu.json holds."""
    device = torch.device(args.device)
    dtype = torch.bfloat16 if device.type == "cuda" and not args.fp32_weights else torch.float32
    model = build_model(args.shape, device, dtype, args.seed)
    n_matmul = matmul_params(model)
    # A pool of rows the loop cycles through: content does not change the work, only its amount does.
    pool = max(64, args.batch_size * args.grad_accumulation)
    rows = packed_rows(pool, args.seq_len, model.config.vocab_size, args.seed)
    clock = StepClock(device, args.warmup)
    settings = LoraSettings(args.lora_r, 2 * args.lora_r, 0.05, tuple(args.target_modules.split(",")))
    options = TrainOptions(grad_accumulation=args.grad_accumulation, gradient_checkpointing=args.gradient_checkpointing)
    result = train_lora(
        model, rows, settings, steps=args.steps, batch_size=args.batch_size, learning_rate=1e-4, pad_id=0,
        seed=args.seed, on_step=clock, options=options,
    )  # fmt: skip
    steps, seconds = clock.timed()
    tokens = steps * args.batch_size * args.grad_accumulation * args.seq_len * result.real_token_fraction
    return {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "shape": dict(zip(("hidden", "layers", "heads", "kv_heads", "mlp", "vocab"), SHAPES[args.shape], strict=True)),
        "params_total": sum(p.numel() for p in result.model.parameters()),
        "params_matmul_n": n_matmul,
        "params_trainable": sum(p.numel() for p in result.model.parameters() if p.requires_grad),
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        "weights_dtype": str(dtype).removeprefix("torch."),
        "timed_steps": steps,
        "timed_seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "real_token_fraction": result.real_token_fraction,
        **utilisation(tokens / seconds, n_matmul, args, device),
        "final_loss": result.final_loss,
    }


def utilisation(tokens_per_s: float, n_matmul: int, args: argparse.Namespace, device: torch.device) -> dict[str, Any]:
    """Achieved FLOPS (k x N per token), the MFU against the chosen peak (CUDA only) and peak memory."""
    factor = 6 if args.gradient_checkpointing else 4
    achieved = tokens_per_s * factor * n_matmul
    fields: dict[str, Any] = {"flops_per_token": f"{factor}N", "achieved_tflops": achieved / 1e12}
    if device.type != "cuda":
        note = "not meaningful on CPU: no MFU reported"
        return {**fields, "peak_tflops": None, "mfu": None, "mfu_note": note, "peak_memory_mb": _peak_rss_mb()}
    peak = args.peak_tflops or PEAK_BF16_TFLOPS[args.gpu]
    note = "--peak-tflops" if args.peak_tflops else f"dense bf16 peak of {args.gpu}"
    memory = torch.cuda.max_memory_allocated(device) / 2**20
    return {**fields, "peak_tflops": peak, "mfu": achieved / (peak * 1e12), "mfu_note": note, "peak_memory_mb": memory}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--device", default="cuda", help="cuda (the measurement) or cpu (a smoke run with --tiny)")
    p.add_argument("--tiny", dest="shape", action="store_const", const="tiny", default="1b", help="tiny shape")
    p.add_argument("--gpu", choices=sorted(PEAK_BF16_TFLOPS), default="h100-sxm", help="peak FLOPS for the MFU")
    p.add_argument("--peak-tflops", type=float, help="override the --gpu peak (dense bf16 TFLOPS)")
    p.add_argument("--seq-len", type=int, help="default 2048 (64 with --tiny)")
    p.add_argument("--batch-size", type=int, help="default 8 (2 with --tiny)")
    p.add_argument("--grad-accumulation", type=int, default=1)
    p.add_argument("--steps", type=int, help="default 30 (4 with --tiny)")
    p.add_argument("--warmup", type=int, help="first steps left out of the timing; default 5 (1 with --tiny)")
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--target-modules", default="q_proj,v_proj")
    p.add_argument("--gradient-checkpointing", action="store_true")
    p.add_argument("--fp32-weights", action="store_true", help="fp32 master weights + bf16 autocast, as train.py")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=RESULTS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for name, value in RUN_DEFAULTS[args.shape].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if not 0 < args.warmup < args.steps:
        raise SystemExit("--warmup must be at least 1 and fewer than --steps")
    report = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    mfu = f"MFU {report['mfu']:.1%}" if report["mfu"] is not None else report["mfu_note"]
    print(f"{report['device']}: {report['tokens_per_s']:.0f} tok/s, {report['achieved_tflops']:.1f} TFLOPS, {mfu}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
