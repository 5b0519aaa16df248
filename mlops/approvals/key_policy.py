"""What a signing secret must be: resolved, named safely, and strong enough to stop a forger.

App Service passes the literal ``@Microsoft.KeyVault(SecretUri=...)`` text when it cannot resolve a
Key Vault reference; that text is public (it is in the Bicep), so a key made from it signs forgeries.
"""

from __future__ import annotations

import re
import string

KEY_VAULT_REFERENCE = "@Microsoft.KeyVault("
MIN_SECRET_BYTES = 32
MIN_DISTINCT_CHARACTERS = 10
_KID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HEX = frozenset(string.hexdigits)
_BASE64 = frozenset(string.ascii_letters + string.digits + "+/=-_")


class WeakKey(ValueError):
    """A signing key the platform refuses; the message says why, never the secret."""


def is_key_vault_reference(value: str) -> bool:
    """True for App Service's unresolved Key Vault reference text (anywhere in the value)."""
    return KEY_VAULT_REFERENCE.lower() in value.lower()


def check_key(kid: str, secret: str) -> None:
    """Raise WeakKey unless ``kid`` is ``[A-Za-z0-9_-]`` and ``secret`` carries >= 32 random bytes."""
    if not _KID.match(kid):
        raise WeakKey(f"key id {kid[:16]!r} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'")
    if is_key_vault_reference(secret):
        raise WeakKey(f"key {kid!r} is an unresolved Key Vault reference: the app could not read the secret")
    strength = secret_bytes(secret)
    if strength < MIN_SECRET_BYTES:
        raise WeakKey(f"key {kid!r} carries about {strength} bytes of secret; at least {MIN_SECRET_BYTES} needed")
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        raise WeakKey(f"key {kid!r} repeats too few characters to be random")


def secret_bytes(secret: str) -> int:
    """How many bytes a secret stands for: hex text counts 4 bits a character, base64 text 6, other text 8."""
    characters = set(secret)
    if characters <= _HEX:
        return len(secret) // 2
    if characters <= _BASE64:
        return len(secret.rstrip("=")) * 6 // 8
    return len(secret.encode())
