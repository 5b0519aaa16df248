"""devhost's `/.auth/*` routes: a token endpoint for scripts and the UI, a small sign-in page, `/.auth/me`."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from aiohttp import web

from devhost.identity.middleware import SESSION_COOKIE, presented_token
from devhost.identity.provider import DEFAULT_TTL_S, InvalidIdentityRequest, LocalIdentityProvider

APP_ROLES = ("requester", "approver")
_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in (local)</title></head><body>'
    "<h1>Sign in to the local development host</h1><p>Any name works here; Entra ID does this in Azure.</p>"
    '<form method="post" action="/.auth/login"><input type="hidden" name="post_login_redirect_uri" value="{back}">'
    '<label>User <input name="user" required maxlength="256" placeholder="ana@contoso.com"></label>{roles}'
    '<button type="submit">Sign in</button></form></body></html>'
)


class AuthRoutes:
    """POST /.auth/local/token, GET+POST /.auth/login (GET also as /.auth/login/aad), GET /.auth/me, GET
    /.auth/logout."""

    def __init__(self, provider: LocalIdentityProvider) -> None:
        self._provider = provider

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions (registered before the app's catch-all)."""
        return [
            web.post("/.auth/local/token", self.token),
            web.get("/.auth/login", self.login_page),
            web.get("/.auth/login/aad", self.login_page),  # App Service's path for the Entra ID provider
            web.post("/.auth/login", self.login),
            web.get("/.auth/me", self.me),
            web.get("/.auth/logout", self.logout),
        ]

    async def token(self, request: web.Request) -> web.Response:
        """{"user", "roles"?, "expires_in"?} → {"access_token", "token_type": "Bearer", "expires_in"}; 400 names
        the bad field."""
        try:
            body: Any = json.loads(await request.read() or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _bad("body", "must be a JSON object")
        if not isinstance(body, dict):
            return _bad("body", "must be a JSON object")
        ttl = body.get("expires_in", DEFAULT_TTL_S)
        if not isinstance(ttl, int) or isinstance(ttl, bool):
            return _bad("expires_in", "must be an integer number of seconds")
        try:
            token = self._provider.issue(body.get("user"), body.get("roles", []), ttl)  # type: ignore[arg-type]
        except InvalidIdentityRequest as exc:
            return _bad(exc.field, str(exc))
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": ttl}, headers={"Cache-Control": "no-store"}
        )

    async def login_page(self, request: web.Request) -> web.Response:
        """The sign-in form; it comes back to ``post_login_redirect_uri`` (a path on this host)."""
        back = _local_path(request.query.get("post_login_redirect_uri"))
        roles = "".join(
            f'<label><input type="checkbox" name="roles" value="{r}" checked> {r}</label>' for r in APP_ROLES
        )
        html = _PAGE.format(back=escape(back), roles=roles)
        return web.Response(text=html, content_type="text/html", headers=_PAGE_HEADERS)

    async def login(self, request: web.Request) -> web.Response:
        """Set the session cookie and go back where the user came from; 400 on a bad name or role."""
        form = await request.post()
        roles = [str(r) for r in form.getall("roles", [])]
        try:
            token = self._provider.issue(str(form.get("user", "")), roles)
        except InvalidIdentityRequest as exc:
            return web.Response(status=400, text=str(exc), headers=_PAGE_HEADERS)
        back = _local_path(str(form.get("post_login_redirect_uri", "")))
        response = web.HTTPFound(back, headers=_PAGE_HEADERS)
        response.set_cookie(SESSION_COOKIE, token, max_age=DEFAULT_TTL_S, httponly=True, samesite="Lax", path="/")
        raise response

    async def me(self, request: web.Request) -> web.Response:
        """The signed-in user as App Service's `/.auth/me` shows it; 401 when nobody is signed in."""
        token = presented_token(request)
        identity = self._provider.verify(token) if token else None
        if identity is None:
            return web.json_response({"error": "unauthenticated", "message": "not signed in"}, status=401)
        claims = [{"typ": "name", "val": identity.name}, {"typ": "oid", "val": identity.oid}]
        claims += [{"typ": "roles", "val": role} for role in identity.roles]
        return web.json_response(
            [{"provider_name": "aad", "user_id": identity.name, "user_claims": claims}],
            headers={"Cache-Control": "no-store"},
        )

    async def logout(self, request: web.Request) -> web.Response:
        """Forget the session cookie."""
        response = web.HTTPFound(_local_path(request.query.get("post_logout_redirect_uri")), headers=_PAGE_HEADERS)
        response.del_cookie(SESSION_COOKIE, path="/")
        raise response


_PAGE_HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": "frame-ancestors 'none'"}


def _local_path(uri: str | None) -> str:
    """Only a path on this host (never another site: no open redirect); ``/.auth/me`` otherwise."""
    if uri and uri.startswith("/") and not uri.startswith("//") and "\\" not in uri:
        return uri
    return "/.auth/me"


def _bad(field: str, message: str) -> web.Response:
    return web.json_response({"error": "invalid_request", "message": message, "fields": {field: message}}, status=400)
