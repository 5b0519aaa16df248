"""How the UI authenticates to the API: a function key, or a Microsoft Entra token from the managed identity.

In Azure the Function App sits behind App Service authentication (Easy Auth). The UI's Container App
has a managed identity; with API_SCOPE set (``api://<function-app-client-id>/.default``) each request
carries ``Authorization: Bearer <token>`` from ``DefaultAzureCredential`` (which picks the managed
identity on Container Apps; set AZURE_CLIENT_ID for a user-assigned one). The token is cached by the
credential and refreshed before it expires. Locally neither is set and devhost needs neither.
"""

from __future__ import annotations

import threading
from typing import Any

from ui.settings import UiSettings

_credential: Any = None
_lock = threading.Lock()


def auth_headers(settings: UiSettings) -> dict[str, str]:
    """The headers that authenticate this UI to the API."""
    headers: dict[str, str] = {}
    if settings.api_key:
        headers["x-functions-key"] = settings.api_key
    if settings.api_scope:
        headers["Authorization"] = f"Bearer {_token(settings.api_scope)}"
    return headers


def _token(scope: str) -> str:
    global _credential
    with _lock:
        if _credential is None:
            from azure.identity import DefaultAzureCredential  # only needed in Azure

            _credential = DefaultAzureCredential(exclude_interactive_browser_credential=True)
        return str(_credential.get_token(scope).token)
