"""Bounded retries with exponential backoff that honour Retry-After, and a per-call timeout."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from mlops.evaluation.errors import JudgeCallFailed

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """max_retries extra attempts after the first; waits base * 2**attempt (jittered, capped)."""

    max_retries: int = 5
    timeout_s: float = 60.0
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0


def retry_delay(error: BaseException, attempt: int, policy: RetryPolicy) -> float | None:
    """Seconds to wait before the next attempt, or None when the error is not worth retrying."""
    if isinstance(error, httpx.HTTPStatusError):
        if error.response.status_code not in RETRYABLE_STATUS:
            return None
        after = _retry_after(error.response)
        if after is not None:
            return min(after, policy.max_delay_s)
    elif not isinstance(error, TimeoutError | httpx.TransportError | json.JSONDecodeError):
        return None
    backoff = min(policy.base_delay_s * 2**attempt, policy.max_delay_s)
    return backoff * (0.5 + random.random() / 2)  # jitter: retries of a burst do not re-collide


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (the delta form; an HTTP date is treated as absent)."""
    raw = response.headers.get("retry-after-ms")
    if raw is not None:
        try:
            return max(0.0, float(raw) / 1000)
        except ValueError:
            return None
    raw = response.headers.get("retry-after")
    try:
        return None if raw is None else max(0.0, float(raw))
    except ValueError:
        return None


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    limit: asyncio.Semaphore,
    what: str,
    admit: Callable[[], Awaitable[object]] | None = None,
) -> tuple[T, int]:
    """Run call() holding a slot of limit, under the per-call timeout (the wait for a slot is not
    counted), retrying transient failures after a backoff spent outside the slot; returns (result, retries).
    Each attempt first awaits admit() (the shared rate limit), outside the slot and the timeout."""
    for attempt in range(policy.max_retries + 1):
        if admit is not None:
            await admit()
        try:
            async with limit, asyncio.timeout(policy.timeout_s):  # no task per call, as wait_for makes
                return await call(), attempt
        except Exception as error:
            delay = retry_delay(error, attempt, policy)
            if delay is None or attempt == policy.max_retries:
                raise JudgeCallFailed(f"{what} failed after {attempt + 1} attempt(s): {_describe(error)}") from error
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # the loop returns or raises


def _describe(error: BaseException) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
