"""NetBox API tokens encrypted at rest with Fernet, under a key from the environment.

`NETBOX_TOKEN_KEY` holds one or more Fernet keys, comma-separated: the first encrypts, all
decrypt (rotation: put the new key first, set every token again, drop the old key). Generate one
with ``python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'``.

Without the variable, debug and test runs derive a *development key* from the Django secret
key (a warning says so); anywhere else there is no key, and start-up fails while connections
exist (`require_key_at_start_up`, called by wsgi.py, and the system check `handoff.E001`).
"""

from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "KEY_VARIABLE",
    "TokenDecryptError",
    "decrypt_token",
    "encrypt_token",
    "key_is_configured",
    "require_key_at_start_up",
]

logger = logging.getLogger(__name__)

KEY_VARIABLE = "NETBOX_TOKEN_KEY"
DEVELOPMENT_KEY_LABEL = b"mdc-configurator development NetBox token key, never production:"


class TokenDecryptError(Exception):
    """A stored token does not decrypt under the configured keys (key changed or lost)."""


def key_is_configured() -> bool:
    """Whether NETBOX_TOKEN_KEY is set (the development key does not count)."""
    return bool(settings.NETBOX_TOKEN_KEYS)


def _development_key() -> bytes:
    digest = hashlib.sha256(DEVELOPMENT_KEY_LABEL + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _cipher() -> MultiFernet:
    keys: list[str] = list(settings.NETBOX_TOKEN_KEYS)
    if keys:
        try:
            return MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{KEY_VARIABLE} must hold Fernet keys (32 url-safe base64 bytes each), "
                "comma-separated."
            ) from exc
    if settings.DEBUG or settings.TESTING:
        logger.warning(
            "%s is not set: NetBox tokens use a DEVELOPMENT key derived from the secret key. "
            "Never run production like this.",
            KEY_VARIABLE,
        )
        return MultiFernet([Fernet(_development_key())])
    raise ImproperlyConfigured(
        f"{KEY_VARIABLE} is not set: NetBox API tokens cannot be encrypted or read. Set it to a "
        "Fernet key (python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())')."
    )


def encrypt_token(token: str) -> str:
    """Ciphertext of a token under the first configured key."""
    return _cipher().encrypt(token.encode()).decode()


def decrypt_token(ciphertext: str) -> str:
    """The clear token; TokenDecryptError when no configured key opens it."""
    try:
        return _cipher().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptError(
            "The stored NetBox token does not decrypt under NETBOX_TOKEN_KEY (the key changed, "
            "or it was set under the development key): set the token again."
        ) from exc


def require_key_at_start_up() -> None:
    """Fail loudly outside debug when connections exist but NETBOX_TOKEN_KEY is missing."""
    if key_is_configured() or settings.DEBUG or settings.TESTING:
        return
    from django.db import DatabaseError

    from configurator.handoff.models import NetBoxConnection

    try:
        exists = NetBoxConnection.objects.exists()
    except DatabaseError:  # not migrated yet: nothing can be encrypted either
        return
    if exists:
        raise ImproperlyConfigured(
            f"{KEY_VARIABLE} is not set, and NetBox connections exist whose tokens it encrypts. "
            "Set it (see .env.example) before starting."
        )
