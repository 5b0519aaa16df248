"""aiohttp request ⇄ azure.functions HTTP objects, through the library's own converters (as the worker)."""

from __future__ import annotations

from typing import Any

import azure.functions as func
from aiohttp import web
from azure.functions.http import HttpRequestConverter, HttpResponseConverter
from azure.functions.meta import Datum


class ResponseConversionError(TypeError):
    """The function returned something the HTTP output binding cannot encode."""


def _joined(multi: Any) -> dict[str, str]:
    """Collapse repeated keys the way the host does (comma-joined)."""
    return {key: ",".join(multi.getall(key)) for key in dict.fromkeys(multi)}


async def to_func_request(request: web.Request, route_params: dict[str, str]) -> func.HttpRequest:
    """Build the azure.functions.HttpRequest the worker would pass for this aiohttp request."""
    body = await request.read()
    headers = {key.lower(): ", ".join(request.headers.getall(key)) for key in dict.fromkeys(request.headers)}
    value = {
        "method": Datum(request.method, "string"),
        "url": Datum(str(request.url), "string"),
        "headers": {k: Datum(v, "string") for k, v in headers.items()},
        "query": {k: Datum(v, "string") for k, v in _joined(request.query).items()},
        "params": {k: Datum(v, "string") for k, v in route_params.items()},
        "body": Datum(body, "bytes"),
    }
    request_obj: func.HttpRequest = HttpRequestConverter.decode(Datum(value, "http"), trigger_metadata={})
    return request_obj


def to_web_response(result: Any) -> web.Response:
    """Encode the function's return value as the worker does, then turn it into an aiohttp response."""
    if not isinstance(result, (str, func.HttpResponse)):
        raise ResponseConversionError(
            f"unable to encode outgoing TypedData: unsupported type for Python type {type(result).__name__!r}"
        )
    datum = HttpResponseConverter.encode(result, expected_type=None)
    if datum.type == "string":
        return web.Response(status=200, text=datum.value, content_type="text/plain", charset="utf-8")
    value = datum.value
    response = web.Response(status=int(value["status_code"].value), body=value["body"].value)
    for name, header in value["headers"].items():
        response.headers[name] = header.value
    for cookie in value.get("cookies") or []:
        for morsel in cookie.values():
            response.headers.add("Set-Cookie", morsel.OutputString())
    return response
