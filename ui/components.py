"""Shared UI pieces: the API client for this script run, error display, status badges, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui.client import ApiClient, ApiError, ApiUnreachable
from ui.settings import UiSettings

ACTIVE = ("pending", "loading", "training", "evaluating", "awaiting_approval")
STATUSES = (*ACTIVE, "completed", "failed")
BADGES = {
    "pending": "⚪ pending",
    "loading": "🔵 loading",
    "training": "🔵 training",
    "evaluating": "🔵 evaluating",
    "awaiting_approval": "🟠 awaiting approval",
    "completed": "🟢 completed",
    "failed": "🔴 failed",
}
# Easy Auth on Container Apps puts the signed-in user's name in this header.
PRINCIPAL_HEADER = "X-Ms-Client-Principal-Name"


def client() -> ApiClient:
    return ApiClient(UiSettings.from_env())


def badge(status: str) -> str:
    return BADGES.get(status, status)


def show_error(exc: ApiError | ApiUnreachable) -> None:
    """A clear message instead of a traceback."""
    if isinstance(exc, ApiUnreachable):
        st.error(f"The API is unreachable. {exc}")
    else:
        st.error(f"The API refused the request: {exc.message} (HTTP {exc.status})")


@contextmanager
def guarded() -> Iterator[None]:
    """Show API failures as messages; the rest of the page stays usable."""
    try:
        yield
    except (ApiError, ApiUnreachable) as exc:
        show_error(exc)


def signed_in_user() -> str | None:
    """The Easy Auth principal, when the UI runs behind it."""
    try:
        return st.context.headers.get(PRINCIPAL_HEADER) or None
    except Exception:  # no request context (e.g. AppTest)
        return None
