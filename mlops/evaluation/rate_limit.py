"""A rate limit shared by every instance: requests and tokens per minute, from the deployment's quota.

JUDGE_MAX_CONCURRENCY bounds one scoring job's calls in flight; the deployment's quota (requests and
tokens per minute on Azure AI) is one budget for every job and instance at once, so it is a token bucket
in PostgreSQL (``rate_buckets``), as API gateways share theirs. Before each attempt a call takes one
request and its estimated prompt tokens, waiting while the bucket is short; afterwards the tokens the
answer really used are charged. The bucket holds ``burst_s`` seconds of the limit, so no window of
w seconds sees more than the limit × (burst_s + w) / 60 requests.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Protocol

BUCKET = "judge"
BURST_S = 10.0  # Azure AI enforces a per-minute quota over short windows: never burst a whole minute at once


@dataclass(frozen=True)
class RateLimit:
    """Requests and tokens per minute, with at most ``burst_s`` seconds' worth at once."""

    requests_per_minute: int
    tokens_per_minute: int
    burst_s: float = BURST_S

    @property
    def requests_per_s(self) -> float:
        return self.requests_per_minute / 60.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens_per_minute / 60.0

    @property
    def request_burst(self) -> float:
        return max(1.0, self.requests_per_s * self.burst_s)

    @property
    def token_burst(self) -> float:
        return max(1.0, self.tokens_per_s * self.burst_s)


class BucketStore(Protocol):
    """Where the buckets live (RunStore: PostgreSQL)."""

    async def take_from_bucket(self, name: str, limit: RateLimit, tokens: float) -> float: ...

    async def debit_bucket(self, name: str, tokens: float) -> None: ...


class SharedRateLimit:
    """One bucket of a BucketStore: ``acquire`` waits for a request's turn, ``settle`` corrects the tokens."""

    def __init__(self, store: BucketStore, limit: RateLimit, name: str = BUCKET) -> None:
        self.store = store
        self.limit = limit
        self.name = name

    async def acquire(self, tokens: float) -> float:
        """Take one request and ``tokens``, waiting as long as the bucket says; returns the seconds waited."""
        waited = 0.0
        while (wait := await self.store.take_from_bucket(self.name, self.limit, tokens)) > 0:
            wait *= 1.0 + random.random() / 10  # waiters of one refill do not all come back at the same instant
            await asyncio.sleep(wait)
            waited += wait
        return waited

    async def settle(self, estimated: float, used: float) -> None:
        """Charge the difference between the tokens a call really used and those taken for it."""
        if used != estimated:
            await self.store.debit_bucket(self.name, used - estimated)


def estimate_tokens(text: str) -> int:
    """A prompt's tokens before the call (about 4 characters a token, as quota estimators count)."""
    return max(1, len(text) // 4)
