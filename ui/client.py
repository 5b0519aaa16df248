"""The HTTP API as the UI uses it: typed errors for API refusals and for an unreachable API."""

from __future__ import annotations

from typing import Any

import httpx

from ui.settings import UiSettings


class ApiError(Exception):
    """The API answered with an error; ``fields`` names each bad request field."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status
        self.message = message
        self.fields = fields or {}


class ApiUnreachable(Exception):
    """The API did not answer (down, wrong API_URL, network)."""


class ApiClient:
    """One call per method, as the signed-in user (their bearer token); every failure is an ApiError or
    ApiUnreachable, never a raw exception."""

    def __init__(self, settings: UiSettings, token: str) -> None:
        self.settings = settings
        self._headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self._call("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, json=body)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self.settings.api_url}{path}"
        try:
            response = httpx.request(
                method, url, headers=self._headers, timeout=self.settings.timeout_seconds, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ApiUnreachable(f"the API at {self.settings.api_url} did not answer: {type(exc).__name__}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            data = body if isinstance(body, dict) else {}
            message = data.get("message") or response.text[:200] or response.reason_phrase
            raise ApiError(response.status_code, str(message), data.get("fields"))
        if not isinstance(body, dict):
            raise ApiError(response.status_code, f"{method} {path} answered with a body that is not a JSON object")
        return body
