"""JSON responses and the mapping from domain errors to HTTP statuses, shared by the HTTP triggers."""

from __future__ import annotations

import json
import uuid
from typing import Any

import azure.functions as func

from mlops.requests import InvalidRequest


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, default=str), status_code=status, mimetype="application/json", headers=headers
    )


def error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> func.HttpResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return json_response(body, status)


def invalid(exc: InvalidRequest) -> func.HttpResponse:
    return error(exc.status, "invalid_request", "the request has invalid fields", exc.fields)


def parse_run_id(raw: str | None) -> str | None:
    """A canonical UUID string, or None when ``raw`` is not one (the API answers 404 then)."""
    try:
        return str(uuid.UUID(raw or ""))
    except ValueError:
        return None


def query_int(req: func.HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = req.params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise InvalidRequest({name: f"must be an integer between {low} and {high}"}, status=400) from exc
    if not low <= value <= high:
        raise InvalidRequest({name: f"must be an integer between {low} and {high}"}, status=400)
    return value
