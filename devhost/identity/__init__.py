"""devhost's local development identity provider and the Easy Auth part it plays in front of the app."""

from devhost.identity.middleware import easy_auth
from devhost.identity.provider import Identity, InvalidIdentityRequest, LocalIdentityProvider
from devhost.identity.routes import AuthRoutes

__all__ = ["AuthRoutes", "Identity", "InvalidIdentityRequest", "LocalIdentityProvider", "easy_auth"]
