"""The extension's entity HTTP API: signal an entity, read its state, list the entities of one function."""

from __future__ import annotations

import json

from aiohttp import web

from devhost.durable.engine import DurableEngine
from devhost.durable.entity_store import EntityRecord
from devhost.durable.replies import empty_reply, error_reply, json_reply

MAX_KEY_LENGTH = 1024


class EntityHttpApi:
    """POST entities/{name}/{key}?op= (202), GET entities/{name}/{key} (200 state, 404), GET entities/{name}."""

    def __init__(self, engine: DurableEngine) -> None:
        self._engine = engine

    def routes(self, base: str) -> list[web.RouteDef]:
        """aiohttp route definitions under the management API's base path."""
        return [
            web.post(base + "/entities/{name}/{key}", self.signal),
            web.get(base + "/entities/{name}/{key}", self.read),
            web.get(base + "/entities/{name}", self.list_entities),
        ]

    async def signal(self, request: web.Request) -> web.Response:
        """Queue the operation named by ?op= with the JSON body as its input; 400 names what is wrong."""
        name, key = request.match_info["name"], request.match_info["key"]
        operation = request.query.get("op", "")
        if not operation:
            return error_reply(400, "The 'op' query parameter (the operation name) is required")
        if "@" in name or len(key) > MAX_KEY_LENGTH:
            return error_reply(400, f"Invalid entity id: no '@' in the name, a key of at most {MAX_KEY_LENGTH} chars")
        text = (await request.text()).strip()
        if text:
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                return error_reply(400, "Invalid JSON content", exc)
        await self._engine.signal_entity(name, key, operation, text or None)
        return empty_reply(202)

    async def read(self, request: web.Request) -> web.Response:
        """The entity's state as JSON, or 404 when it does not exist."""
        found = self._engine.read_entity(request.match_info["name"], request.match_info["key"])
        if found is None or found.state is None:
            return empty_reply(404)
        return web.Response(status=200, text=found.state, content_type="application/json")

    async def list_entities(self, request: web.Request) -> web.Response:
        """Every existing entity of the function: id, last operation time and state."""
        return json_reply(200, [_listed(r) for r in self._engine.list_entities(request.match_info["name"])])


def _listed(record: EntityRecord) -> dict[str, object]:
    return {
        "entityId": {"name": record.name, "key": record.key},
        "lastOperationTime": record.last_modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state": json.loads(record.state) if record.state else None,
    }
