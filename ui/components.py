"""Shared UI pieces: the signed-in user, the API client that calls as them, error display, status badges."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui.client import ApiClient, ApiError, ApiUnreachable
from ui.identity import APPROVER, REQUESTER, SignInFailed, User, local_sign_in, platform_token, user_from_token
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
ROLES = (REQUESTER, APPROVER)
TOKEN_KEY = "ui_token"  # the local sign-in's token, in this browser session only


def current_user() -> User | None:
    """The platform's token for this request (Azure), else the local sign-in's; None when signed out."""
    try:
        token = platform_token(st.context.headers)
    except Exception:  # no request context (e.g. AppTest)
        token = None
    return user_from_token(token or st.session_state.get(TOKEN_KEY))


def client() -> ApiClient:
    """The API as the signed-in user (pages call ``identity_bar`` first, which stops when nobody is)."""
    user = current_user()
    if user is None:
        st.stop()
    return ApiClient(UiSettings.from_env(), user.token)


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


def identity_bar() -> User:
    """Who is signed in, in the sidebar, with sign-out; the sign-in when nobody is (then the page stops)."""
    settings = UiSettings.from_env()
    user = current_user()
    if user is not None:
        roles = ", ".join(sorted(user.roles)) or "no role"
        st.sidebar.markdown(f"Signed in as **{user.name}** ({roles})")
        if settings.local_identity_url is None:
            st.sidebar.link_button("Sign out", "/.auth/logout")
        elif st.sidebar.button("Sign out", key="sign_out"):
            st.session_state.pop(TOKEN_KEY, None)
            st.rerun()
        return user
    if settings.local_identity_url is None:
        st.warning("You are not signed in. Reload the page to sign in with your organization account.")
        st.stop()
    _local_sign_in(settings.local_identity_url)
    st.info("Sign in (sidebar) to use the release platform.")
    st.stop()


def _local_sign_in(identity_url: str) -> None:
    with st.sidebar.form("sign_in"):
        st.markdown("**Sign in** (local identity provider)")
        name = st.text_input("User", key="sign_in_user", placeholder="ana@contoso.com")
        wanted = {role: st.checkbox(role, value=role == REQUESTER, key=f"sign_in_{role}") for role in ROLES}
        submitted = st.form_submit_button("Sign in")
    if submitted:
        roles = [role for role, ticked in wanted.items() if ticked]
        try:
            st.session_state[TOKEN_KEY] = local_sign_in(identity_url, name, roles)
        except SignInFailed as exc:
            st.sidebar.error(str(exc))
            return
        st.rerun()
