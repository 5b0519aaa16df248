"""A local stub of the Mistral chat-completions and embeddings HTTP API (a test tool, not a judge).

Speaks the wire format the real langchain-mistralai clients use (POST /v1/chat/completions with
`n`, POST /v1/embeddings), answers RAGAS prompts deterministically (stub_answers), and injects
faults: 429 with Retry-After, 5xx, timeouts (a stall), malformed JSON bodies, and unparseable
answers for chosen prompt schemas. Faults come from a script (the next requests, in order) or
from seeded rates. `python -m tests.tools.mistral_stub --latency 0.15` serves it in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

from tests.tools.stub_answers import answer, embedding, schema_and_input

FAULTS = ("429", "500", "503", "timeout", "malformed")


@dataclass
class StubConfig:
    latency_s: float = 0.0
    fault_rates: dict[str, float] = field(default_factory=dict)  # fault kind -> share of requests
    seed: int = 0
    retry_after_s: float = 0.05
    hang_s: float = 30.0
    bad_content_for: list[str] = field(default_factory=list)  # schema titles answered with non-JSON text


class MistralStub:
    """The aiohttp application plus its counters; `stats()` says what the clients asked for."""

    def __init__(self, config: StubConfig | None = None) -> None:
        self.config = config or StubConfig()
        self.script: deque[str] = deque()
        self.reset()
        self.app = web.Application()
        self.app.add_routes(
            [
                web.post("/v1/chat/completions", self.chat),
                web.post("/v1/embeddings", self.embeddings),
                web.get("/stub/stats", self._stats_route),
                web.post("/stub/reset", self._reset_route),
            ]
        )

    def reset(self, config: StubConfig | None = None) -> None:
        self.config = config or self.config
        self.counts: Counter[str] = Counter()
        self.arrivals: list[float] = []  # monotonic time of each request, to check a rate limit
        self.rng = random.Random(self.config.seed)
        self.script.clear()

    def stats(self) -> dict[str, Any]:
        return dict(self.counts)

    async def _stats_route(self, _: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _reset_route(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        self.reset(StubConfig(**body) if body else None)
        return web.json_response(asdict(self.config))

    def _fault(self) -> str | None:
        if self.script:
            return self.script.popleft()
        roll, edge = self.rng.random(), 0.0
        for kind in FAULTS:
            edge += self.config.fault_rates.get(kind, 0.0)
            if roll < edge:
                return kind
        return None

    async def _admit(self, request: web.Request, endpoint: str) -> web.Response | None:
        """Latency, auth and the injected fault; a response here replaces the real answer."""
        self.counts[f"{endpoint}_requests"] += 1
        self.arrivals.append(time.monotonic())
        await asyncio.sleep(self.config.latency_s)
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return web.json_response({"message": "Unauthorized"}, status=401)
        fault = self._fault()
        if fault is None:
            return None
        self.counts[f"fault_{fault}"] += 1
        if fault == "429":
            headers = {"Retry-After": str(self.config.retry_after_s)}
            return web.json_response({"message": "Requests rate limit exceeded"}, status=429, headers=headers)
        if fault in ("500", "503"):
            return web.json_response({"message": "upstream error"}, status=int(fault))
        if fault == "timeout":  # the client gives up first; the late answer must not count in a later test
            await asyncio.sleep(self.config.hang_s)
            return web.json_response({"message": "upstream timed out"}, status=504)
        return web.Response(text='{"id": "cmpl-broken", "choices": [', content_type="application/json")

    async def chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        refused = await self._admit(request, "chat")
        if refused is not None:
            return refused
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        title, _ = schema_and_input(prompt)
        text = "I believe so, yes." if title in self.config.bad_content_for else answer(prompt)
        n = int(body.get("n") or 1)
        self.counts["chat_completions"] += n
        choice = {"message": {"role": "assistant", "content": text, "tool_calls": None}, "finish_reason": "stop"}
        usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": n * len(text.split())}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return web.json_response(
            {
                "id": f"cmpl-{self.counts['chat_requests']}",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [{"index": i, **choice} for i in range(n)],
                "usage": usage,
            }
        )

    async def embeddings(self, request: web.Request) -> web.Response:
        body = await request.json()
        refused = await self._admit(request, "embedding")
        if refused is not None:
            return refused
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        tokens = sum(len(t.split()) for t in texts)
        data = [{"object": "embedding", "embedding": embedding(t), "index": i} for i, t in enumerate(texts)]
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return web.json_response(
            {"id": "emb", "object": "list", "model": body.get("model"), "data": data, "usage": usage}
        )


class StubServer:
    """The stub served on 127.0.0.1 from a background thread; `endpoint` is the client's base URL."""

    def __init__(self, stub: MistralStub, port: int = 0) -> None:
        self.stub, self.port = stub, port
        self.loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    def __enter__(self) -> StubServer:
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait(10)
        return self

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self._runner = web.AppRunner(self.stub.app, access_log=None)
        self.loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, backlog=1024)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()
        self.loop.run_forever()

    def __exit__(self, *_: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    stub = MistralStub(StubConfig(latency_s=args.latency))
    with StubServer(stub, args.port) as server:
        print(server.endpoint, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
