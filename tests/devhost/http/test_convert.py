"""aiohttp requests ⇄ azure.functions HTTP objects, as the worker converts them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import azure.functions as func
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from devhost.http.convert import ResponseConversionError, to_func_request, to_web_response


@asynccontextmanager
async def serving(reply: Callable[[func.HttpRequest], Any]) -> AsyncIterator[TestClient]:
    """A real aiohttp server whose handler converts the request and returns what `reply(req)` gives."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return to_web_response(reply(await to_func_request(request, {"run_id": "r1"})))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_request_fields_reach_the_function() -> None:
    seen: dict[str, Any] = {}

    def reply(req: func.HttpRequest) -> func.HttpResponse:
        seen.update(
            method=req.method,
            url=req.url,
            params=dict(req.params),
            route=dict(req.route_params),
            header=req.headers.get("X-Trace"),
            body=req.get_json(),
        )
        return func.HttpResponse("done")

    async with serving(reply) as client:
        resp = await client.post("/api/runs/r1?tag=a&tag=b&x=1", json={"k": 1}, headers={"X-Trace": "t1"})
        assert resp.status == 200
    assert seen["method"] == "POST"
    assert seen["url"].endswith("/api/runs/r1?tag=a&tag=b&x=1")
    assert seen["params"] == {"tag": "a,b", "x": "1"}
    assert seen["route"] == {"run_id": "r1"}
    assert seen["header"] == "t1"
    assert seen["body"] == {"k": 1}


async def test_http_response_status_headers_mimetype_and_body() -> None:
    def reply(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(
            json.dumps({"ok": True}), status_code=201, mimetype="application/json", headers={"X-Run": "r1"}
        )

    async with serving(reply) as client:
        resp = await client.get("/x")
        assert resp.status == 201
        assert resp.headers["X-Run"] == "r1"
        assert resp.headers["Content-Type"].startswith("application/json")
        assert await resp.json() == {"ok": True}


async def test_text_mimetype_gets_charset_and_str_return_is_200() -> None:
    async with serving(lambda req: func.HttpResponse("hé", status_code=202)) as client:
        resp = await client.get("/x")
        assert (resp.status, resp.headers["Content-Type"]) == (202, "text/plain; charset=utf-8")
        assert await resp.text() == "hé"
    async with serving(lambda req: "plain") as client:
        resp = await client.get("/x")
        assert (resp.status, await resp.text()) == (200, "plain")


def test_other_return_types_cannot_be_encoded() -> None:
    with pytest.raises(ResponseConversionError):
        to_web_response({"not": "a response"})
    with pytest.raises(ResponseConversionError):
        to_web_response(None)
