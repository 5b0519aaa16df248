"""A local stand-in for Entra ID: RS256 tokens for any user and app role, signed by a key kept in the state dir.

Whoever can reach devhost can get a token for anyone (as with `func start`, which has no authentication
at all): it exists so that local runs and tests go through the same identity path as Azure. What it does
guarantee is what Easy Auth guarantees the app: a token it did not sign, an expired one or a malformed
one names nobody.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://devhost.local/identity"
AUDIENCE = "api://mlops-release-platform"
DEFAULT_TTL_S = 3600
MAX_TTL_S = 7 * 24 * 3600
KEY_FILE = "signing-key.pem"
_ROLE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
_OID_NAMESPACE = uuid.UUID("5b0f3c8e-2f0c-4d6e-9a51-3c1d7b9e0a42")


class InvalidIdentityRequest(ValueError):
    """A token request naming no usable user, role or lifetime; ``field`` is the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Identity:
    """Who a valid token names: a stable object id, the sign-in name, the app roles."""

    oid: str
    name: str
    roles: tuple[str, ...]


def object_id(user: str) -> str:
    """The same user always gets the same object id (as a directory would give them)."""
    return str(uuid.uuid5(_OID_NAMESPACE, user.strip().lower()))


class LocalIdentityProvider:
    """Issues and verifies RS256 tokens with one key pair."""

    def __init__(self, private_key: rsa.RSAPrivateKey, clock: Callable[[], float] = time.time) -> None:
        self._private = private_key
        self._public = private_key.public_key()
        self._clock = clock

    @classmethod
    def load_or_create(cls, state_dir: Path) -> LocalIdentityProvider:
        """The key pair in ``state_dir/identity`` (created, readable by its owner only, on first use)."""
        path = state_dir / "identity" / KEY_FILE
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process created it first: use theirs
                pass
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(pem)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key")
        return cls(loaded)

    def issue(self, user: str, roles: Iterable[str] = (), ttl_s: int = DEFAULT_TTL_S) -> str:
        """A bearer token for ``user`` with ``roles``; InvalidIdentityRequest names a bad argument."""
        name, granted = _user(user), _roles(roles)
        if not 60 <= ttl_s <= MAX_TTL_S:
            raise InvalidIdentityRequest("expires_in", f"must be between 60 and {MAX_TTL_S} seconds")
        now = int(self._clock())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": object_id(name),
            "oid": object_id(name),
            "name": name,
            "preferred_username": name,
            "roles": list(granted),
            "iat": now,
            "nbf": now,
            "exp": now + ttl_s,
        }
        return jwt.encode(claims, self._private, algorithm="RS256")

    def verify(self, token: str) -> Identity | None:
        """The identity a token names, or None when it is not one of ours, expired or malformed."""
        try:
            claims = jwt.decode(
                token,
                self._public,
                algorithms=["RS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "oid", "name"]},
                leeway=0,
            )
            roles = _roles(claims.get("roles") or [])
            return Identity(oid=str(uuid.UUID(str(claims["oid"]))), name=_user(claims["name"]), roles=roles)
        except (jwt.InvalidTokenError, InvalidIdentityRequest, TypeError, ValueError):
            return None


def _user(user: object) -> str:
    if not isinstance(user, str) or not user.strip():
        raise InvalidIdentityRequest("user", "a sign-in name is required, e.g. ana@contoso.com")
    name = user.strip()
    if len(name) > 256 or not name.isprintable():
        raise InvalidIdentityRequest("user", "at most 256 printable characters")
    return name


def _roles(roles: object) -> tuple[str, ...]:
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        raise InvalidIdentityRequest("roles", "a list of role names")
    found = list(roles)
    if len(found) > 16 or not all(isinstance(r, str) and _ROLE.fullmatch(r) for r in found):
        raise InvalidIdentityRequest("roles", "at most 16 role names, each a letter then letters, digits, _ . -")
    return tuple(dict.fromkeys(found))
