"""Teams delivery: post an Adaptive Card to a Workflows webhook, retrying transient failures.

The same code posts to Teams in Azure and to devhost's local receiver (``/admin/webhooks/teams``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import httpx

CARD_CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})


class DeliveryFailed(Exception):
    """The webhook refused the card or stayed unreachable after every attempt; the message says why."""


def teams_message(card: dict[str, Any]) -> dict[str, Any]:
    """The message envelope a Teams Workflows "post to a channel" webhook expects."""
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


class TeamsWebhook:
    """One webhook URL; ``post`` retries 429/5xx and network errors with exponential backoff."""

    def __init__(self, url: str, *, attempts: int = 3, first_delay_s: float = 1.0, timeout_s: float = 10.0) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.url = url
        self._attempts, self._first_delay_s, self._timeout_s = attempts, first_delay_s, timeout_s

    async def post(self, card: dict[str, Any]) -> int:
        """Deliver the card; returns the HTTP status, raises DeliveryFailed after the last attempt."""
        problem = "no attempt made"
        async with httpx.AsyncClient(timeout=self._timeout_s) as client:
            for attempt in range(self._attempts):
                if attempt:
                    await asyncio.sleep(self._first_delay_s * 2 ** (attempt - 1))
                try:
                    response = await client.post(self.url, json=teams_message(card))
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                    continue
                if response.is_success:
                    return response.status_code
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code not in RETRY_STATUSES:
                    break
        raise DeliveryFailed(f"card not delivered after {attempt + 1} attempt(s): {problem}")
