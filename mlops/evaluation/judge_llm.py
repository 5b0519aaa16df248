"""The judge as RAGAS sees it: a BaseRagasLLM and an embeddings client with cache, limit and retries.

n completions (answer relevancy's strictness) go out as ONE request with Mistral's `n` parameter,
where RAGAS' LangChain wrapper would send n requests to a non-OpenAI model.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.prompt_values import PromptValue
from ragas.llms.base import BaseRagasLLM
from ragas.run_config import RunConfig

from mlops.evaluation.judge import Judge
from mlops.evaluation.judge_cache import cache_key
from mlops.evaluation.mistral_chat import ChatReply, Completion, MistralChat
from mlops.evaluation.rate_limit import estimate_tokens
from mlops.evaluation.retry import call_with_retries


class JudgeLLM(BaseRagasLLM):
    """Chat completions through the judge: cached by (model, request), limited, retried, counted."""

    def __init__(self, judge: Judge) -> None:
        # RAGAS' own retry (10 attempts by default) would multiply ours: one attempt at its level.
        super().__init__(run_config=RunConfig(max_retries=1, timeout=int(judge.config.timeout_s) * 10))
        self.judge = judge

    def generate_text(self, *args: Any, **kwargs: Any) -> LLMResult:
        raise NotImplementedError("the judge is async only: use agenerate_text")

    async def agenerate_text(
        self,
        prompt: PromptValue,
        n: int = 1,
        temperature: float | None = 0.01,
        stop: list[str] | None = None,
        callbacks: Any = None,
    ) -> LLMResult:
        temp = self.get_temperature(n) if temperature is None else temperature
        text = prompt.to_string()
        request = {"kind": "chat", "prompt": text, "n": n, "temperature": temp, "stop": stop}
        key = cache_key(self.judge.config.model, request)
        completions, cached = await self.judge.cache.get_or_compute(key, lambda: self._complete(text, n, temp, stop))
        self.judge.usage.cache_hits += cached
        return LLMResult(generations=[[_generation(c) for c in completions]])

    async def _complete(self, text: str, n: int, temperature: float, stop: list[str] | None) -> list[Completion]:
        judge = self.judge
        body, estimate = judge.chat.request(text, n, temperature, stop), estimate_tokens(text)

        async def call() -> ChatReply:
            judge.usage.chat_calls += 1
            return MistralChat.parse(await judge.chat.post(body))

        async def admit() -> None:
            await judge.admit(estimate)

        try:
            reply, retries = await call_with_retries(call, judge.policy, judge.semaphore, "judge chat call", admit)
        except Exception:
            judge.usage.failures += 1
            raise
        judge.usage.retries += retries
        judge.add_tokens(reply.prompt_tokens, reply.completion_tokens)
        await judge.settle(estimate, reply.prompt_tokens + reply.completion_tokens)
        return reply.completions

    def is_finished(self, response: LLMResult) -> bool:
        """A completion cut by the token limit would parse as garbage: RAGAS then raises."""
        reasons = [(g.generation_info or {}).get("finish_reason") for gs in response.generations for g in gs]
        return all(reason in (None, "stop") for reason in reasons)


def _generation(completion: Completion) -> ChatGeneration:
    text = completion.get("text") or ""
    return ChatGeneration(
        message=AIMessage(content=text), generation_info={"finish_reason": completion["finish_reason"]}
    )


async def embed_texts(judge: Judge, texts: list[str]) -> list[list[float]]:
    """Vectors of texts: cached ones reused, the rest in one limited, retried embeddings request."""
    keys = [cache_key(judge.config.embedding_model, {"kind": "embedding", "text": text}) for text in texts]
    vectors: list[list[float] | None] = await judge.cache.get_many(keys)
    judge.usage.cache_hits += sum(v is not None for v in vectors)
    missing = sorted({text for text, v in zip(texts, vectors, strict=True) if v is None})
    if missing:
        estimate = sum(estimate_tokens(text) for text in missing)

        async def call() -> list[list[float]]:
            judge.usage.embedding_calls += 1
            result: list[list[float]] = await judge.embeddings.aembed_documents(missing)
            return result

        async def admit() -> None:
            await judge.admit(estimate)

        try:
            what = "judge embeddings call"
            fresh, retries = await call_with_retries(call, judge.policy, judge.semaphore, what, admit)
        except Exception:
            judge.usage.failures += 1
            raise
        judge.usage.retries += retries
        judge.add_tokens(sum(len(text.split()) for text in missing), 0)  # the client drops the usage block
        found = dict(zip(missing, fresh, strict=True))
        for key, text in dict(zip(keys, texts, strict=True)).items():
            if text in found:
                await judge.cache.put(key, found[text])
        vectors = [found[text] if v is None else v for v, text in zip(vectors, texts, strict=True)]
    return [v for v in vectors if v is not None]
