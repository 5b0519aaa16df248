"""Who may call an API route: a signed-in principal (401 otherwise) holding the route's app role (403).

Every ``/api/*`` route except health and the OpenAPI document goes through ``signed_in``; the handler then
reads the caller with ``caller(req)``. When the platform says authentication is off, the identity headers
could come from anyone, so nothing is served (503) rather than trusting them.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import azure.functions as func

from mlops.approvals.identity import Principal, principal_from_headers
from mlops.bootstrap import services
from triggers.http_responses import error

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[func.HttpResponse]])


class NotSignedIn(LookupError):
    """``caller`` was used on a request without a principal (a route that skipped ``signed_in``)."""


def caller(req: func.HttpRequest) -> Principal:
    """The request's principal; only valid inside a ``signed_in`` route."""
    principal = principal_from_headers(req.headers)
    if principal is None:
        raise NotSignedIn("the request carries no principal")
    return principal


async def refusal(req: func.HttpRequest, role: str | None = None) -> func.HttpResponse | None:
    """The 503/401/403 answer for this request, or None when the caller may go on."""
    if not (await services()).settings.auth_enabled:
        return error(
            503, "authentication_off", "App Service authentication is off (WEBSITE_AUTH_ENABLED): no caller is trusted"
        )
    principal = principal_from_headers(req.headers)
    if principal is None:
        return unauthenticated()
    if role is not None and not principal.has_role(role):
        return error(403, "forbidden", f"{principal.name} does not have the {role!r} role")
    return None


def unauthenticated() -> func.HttpResponse:
    """401 with a JSON body and the challenge a client needs to sign in."""
    response = error(401, "unauthenticated", "sign in: send Authorization: Bearer <token> (see the README)")
    response.headers["WWW-Authenticate"] = 'Bearer realm="mlops"'
    return response


def signed_in(role: str | None = None) -> Callable[[Handler], Handler]:
    """Guard an async HTTP trigger: refuse per ``refusal`` before the handler runs."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(*args: Any, **kwargs: Any) -> func.HttpResponse:
            req = next(v for v in (*args, *kwargs.values()) if isinstance(v, func.HttpRequest))
            refused = await refusal(req, role)
            return refused if refused is not None else await handler(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
