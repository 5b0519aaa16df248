"""Activities of the sample app: greetings, arithmetic, failures, a flaky call and a gate tests control."""

from __future__ import annotations

import asyncio
from collections import Counter

import azure.durable_functions as df

bp = df.Blueprint()
CALLS: Counter[str] = Counter()
STARTED: dict[str, asyncio.Event] = {}
RELEASE: dict[str, asyncio.Event] = {}


@bp.activity_trigger(input_name="name")
def say_hello(name: str) -> str:
    """Greet name (sync: runs in a worker thread)."""
    return f"Hello {name}"


@bp.activity_trigger(input_name="value")
async def double(value: int) -> int:
    """Double value (async: awaited on the loop)."""
    return value * 2


@bp.activity_trigger(input_name="message")
def always_fails(message: str) -> None:
    """Raise ValueError(message)."""
    raise ValueError(message)


@bp.activity_trigger(input_name="key")
def flaky(key: str) -> str:
    """Fail on the first two calls for key, then succeed."""
    CALLS[key] += 1
    if CALLS[key] < 3:
        raise RuntimeError(f"transient failure {CALLS[key]}")
    return f"ok after {CALLS[key]} attempts"


@bp.activity_trigger(input_name="key")
async def gated(key: str) -> str:
    """Count the call, signal STARTED[key], then block until RELEASE[key] is set."""
    CALLS[key] += 1
    STARTED.setdefault(key, asyncio.Event()).set()
    await RELEASE.setdefault(key, asyncio.Event()).wait()
    return f"released {key}"
