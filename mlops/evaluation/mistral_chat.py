"""Mistral's chat completions API over one httpx client, with the request built and the reply parsed
outside the call slot.

LangChain's ChatMistralAI did that work (message conversion, callbacks, its retry wrapper, parsing)
while the judge's slot was held: at 16 calls in flight a 150 ms call held its slot ~180 ms
(bench.eval_judge). Here the slot covers the HTTP exchange only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

Completion = dict[str, str | None]


@dataclass(frozen=True)
class ChatReply:
    """The completions of one request and the tokens the API says it used."""

    completions: list[Completion]
    prompt_tokens: int
    completion_tokens: int


class MistralChat:
    """POST {endpoint}/chat/completions (Mistral's API, as served by Azure AI), bearer key."""

    def __init__(self, endpoint: str, api_key: str, model: str, timeout_s: float, connections: int) -> None:
        self.model = model
        self.client = httpx.AsyncClient(  # as many connections as calls in flight: a wider pool is scanned per request
            base_url=endpoint.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    def request(self, prompt: str, n: int, temperature: float, stop: list[str] | None) -> bytes:
        """The request body of one user prompt."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "temperature": temperature,
        }
        if n > 1:
            body["n"] = n
        if stop:
            body["stop"] = stop
        return json.dumps(body).encode()

    async def post(self, body: bytes) -> bytes:
        """The raw reply of one request; an HTTP error status raises httpx.HTTPStatusError (retry.py reads it)."""
        response = await self.client.post("chat/completions", content=body)
        response.raise_for_status()
        return response.content

    @staticmethod
    def parse(raw: bytes) -> ChatReply:
        """Completions and token usage of a reply (a malformed one raises json.JSONDecodeError or KeyError)."""
        reply = json.loads(raw)
        completions: list[Completion] = [
            {"text": choice["message"].get("content") or "", "finish_reason": choice.get("finish_reason")}
            for choice in reply["choices"]
        ]
        usage = reply.get("usage") or {}
        return ChatReply(completions, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0)))

    async def aclose(self) -> None:
        await self.client.aclose()
