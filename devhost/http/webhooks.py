"""Local webhook receiver: stands in for a Teams Workflows webhook so cards can be read back locally.

POST /admin/webhooks/{channel} stores the JSON body (202, as Teams answers); GET returns what was posted,
oldest first. Messages are appended to ``<state dir>/webhooks/<channel>.jsonl`` so they survive a restart
and other local processes (the UI) can read them too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from aiohttp import web

_CHANNEL = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class WebhookReceiver:
    """Stores posted messages per channel in JSON Lines files under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions."""
        return [
            web.post("/admin/webhooks/{channel}", self.receive),
            web.get("/admin/webhooks/{channel}", self.list),
        ]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every message posted to ``channel``, oldest first."""
        path = self._directory / f"{channel}.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    async def receive(self, request: web.Request) -> web.Response:
        """Store a JSON object body; 400 when the body is not one, 404 for a bad channel name."""
        channel = request.match_info["channel"]
        if not _CHANNEL.match(channel):
            return web.json_response({"error": f"bad channel name {channel!r}"}, status=404)
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return web.json_response({"error": "body must be JSON"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"error": "body must be a JSON object"}, status=400)
        self._directory.mkdir(parents=True, exist_ok=True)
        with (self._directory / f"{channel}.jsonl").open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(body) + "\n")
        return web.Response(status=202)

    async def list(self, request: web.Request) -> web.Response:
        """{"messages": [...]} posted to the channel so far."""
        channel = request.match_info["channel"]
        if not _CHANNEL.match(channel):
            return web.json_response({"error": f"bad channel name {channel!r}"}, status=404)
        return web.json_response({"messages": self.messages(channel)})
