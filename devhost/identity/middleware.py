"""What Easy Auth does to every request before the app sees it: drop client-sent identity headers, then
inject them from a valid bearer token or sign-in cookie (an invalid one injects nothing)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from multidict import CIMultiDict

from devhost.identity.headers import is_platform_header, principal_headers
from devhost.identity.provider import LocalIdentityProvider

SESSION_COOKIE = "AppServiceAuthSession"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def presented_token(request: web.Request) -> str | None:
    """The bearer token, else the sign-in cookie's; None when the request carries neither."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get(SESSION_COOKIE) or None


def easy_auth(provider: LocalIdentityProvider) -> Middleware:
    """An aiohttp middleware playing App Service authentication in front of every route."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        headers = CIMultiDict((k, v) for k, v in request.headers.items() if not is_platform_header(k))
        token = presented_token(request)
        identity = provider.verify(token) if token else None
        if identity is not None:
            headers.update(principal_headers(identity))
        return await handler(request.clone(headers=headers))

    return middleware
