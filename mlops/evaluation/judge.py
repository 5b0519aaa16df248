"""The RAGAS judge: Mistral chat completions + MistralAIEmbeddings on the Azure AI endpoint, from settings.

One Judge per evaluation: a concurrency limit shared by chat and embedding calls, the retry policy,
the answer cache and the usage counters (calls, retries, tokens, estimated cost) it reports.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from mlops.evaluation.judge_cache import JudgeCache
from mlops.evaluation.mistral_chat import MistralChat
from mlops.evaluation.rate_limit import SharedRateLimit
from mlops.evaluation.retry import RetryPolicy

if TYPE_CHECKING:  # mlops.settings imports the gate, which imports this package
    from mlops.settings import JudgeSettings


@dataclass
class JudgeUsage:
    """What the judge cost this evaluation: HTTP calls made, cache hits, retries, failures, tokens, the
    seconds its calls waited for the shared rate limit and that limit (0: none)."""

    chat_calls: int = 0
    embedding_calls: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    rate_limit_wait_s: float = 0.0
    limit_requests_per_minute: float = 0.0
    limit_tokens_per_minute: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {name: float(value) for name, value in asdict(self).items()}


@dataclass
class Judge:
    """The clients, limits, cache and counters of one evaluation's judge."""

    config: JudgeSettings
    chat: MistralChat
    embeddings: Any
    cache: JudgeCache
    semaphore: asyncio.Semaphore
    limiter: SharedRateLimit | None = None
    usage: JudgeUsage = field(default_factory=JudgeUsage)

    def __post_init__(self) -> None:
        if self.limiter is not None:
            self.usage.limit_requests_per_minute = float(self.limiter.limit.requests_per_minute)
            self.usage.limit_tokens_per_minute = float(self.limiter.limit.tokens_per_minute)

    async def admit(self, tokens: float) -> None:
        """Wait for the shared rate limit's turn (no limit: at once), counting the wait."""
        if self.limiter is not None:
            self.usage.rate_limit_wait_s += await self.limiter.acquire(tokens)

    async def settle(self, estimated: float, used: float) -> None:
        """Charge the shared limit what a call really used beyond its estimate."""
        if self.limiter is not None:
            await self.limiter.settle(estimated, used)

    async def aclose(self) -> None:
        """Close the chat client's connections (the embeddings client keeps its own until collected)."""
        await self.chat.aclose()

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.config.max_retries, self.config.timeout_s, self.config.base_delay_s)

    def add_tokens(self, input_tokens: int, output_tokens: int) -> None:
        """Count tokens and their estimated cost."""
        self.usage.input_tokens += input_tokens
        self.usage.output_tokens += output_tokens
        self.usage.cost += (
            input_tokens * self.config.price_input_per_mtok + output_tokens * self.config.price_output_per_mtok
        ) / 1e6


def build_judge(
    config: JudgeSettings, cache: JudgeCache | None = None, limiter: SharedRateLimit | None = None
) -> Judge:
    """The Mistral chat client and the real langchain-mistralai embeddings client pointed at the endpoint;
    the embeddings client's own retries are off (ours run). Without a cache, verdicts are reused within this
    evaluation only; without a limiter, only max_concurrency bounds the calls."""
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
    from langchain_mistralai import MistralAIEmbeddings
    from pydantic import SecretStr

    chat = MistralChat(
        config.endpoint, config.api_key, config.model, max(1.0, config.timeout_s), config.max_concurrency
    )
    embeddings = MistralAIEmbeddings(
        model=config.embedding_model,
        endpoint=config.endpoint,
        api_key=SecretStr(config.api_key),
        max_retries=None,
        timeout=int(max(1, config.timeout_s)),
        tokenizer=_offline_tokenizer(),
    )
    semaphore = asyncio.Semaphore(config.max_concurrency)
    return Judge(config, chat, embeddings, cache or JudgeCache(), semaphore, limiter)


def _offline_tokenizer() -> Any:
    """A local tokenizer for MistralAIEmbeddings' batch sizing (it would fetch Mistral's from the hub):
    the bundled MiniLM WordPiece tokenizer, close enough to keep batches under the API's token cap."""
    from tokenizers import Tokenizer

    from mlops.evaluation.embeddings import default_model_dir

    return Tokenizer.from_file(str(default_model_dir() / "tokenizer.json"))
