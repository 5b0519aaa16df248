"""JSON responses and the mapping from domain errors to HTTP statuses, shared by the HTTP triggers."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

import azure.functions as func

from mlops.requests import InvalidRequest

_INTEGER = re.compile(r"-?[0-9]{1,18}")


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
    """``name`` as an integer in [low, high], ``default`` when absent; present but empty (``?offset=``) is a
    400 like any other non-integer, as the document says."""
    raw = req.params.get(name)
    if raw is None:
        return default
    # ASCII digits only: int() would also take " 5", "5_0" or "٣", which no client of the document sends.
    if not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
        raise InvalidRequest({name: f"must be an integer between {low} and {high}"}, status=400)
    return int(raw)


def query_choice(req: func.HttpRequest, name: str, choices: Sequence[str], default: str | None = None) -> str | None:
    """``name`` as one of ``choices``, ``default`` when absent; anything else (empty too) is a 400."""
    raw = req.params.get(name)
    if raw is None:
        return default
    if raw not in choices:
        raise InvalidRequest({name: f"must be one of {', '.join(choices)}"}, status=400)
    return raw
