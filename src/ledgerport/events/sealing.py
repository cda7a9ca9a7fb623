"""Signing secrets at rest: encrypted with a key derived from the database's secret key.

A dump of the webhook tables alone shows only ciphertext. The derived key comes from
``secret_key`` in the same database, so a full dump still holds both: for a key kept outside
the database, set ``webhooks.encryption_key`` (or ``LEDGERPORT_WEBHOOKS__ENCRYPTION_KEY``),
which is used instead.
"""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

from ledgerport.config import Settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

__all__ = ["SecretBox", "new_signing_secret", "secret_box"]

_INFO = b"ledgerport webhook secrets v1"


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class SecretBox:
    """Seal and open secrets (Fernet: AES-128-CBC + HMAC-SHA256, with a timestamp)."""

    def __init__(self, key_material: str) -> None:
        # cryptography is imported when a box is first made (webhook management, the
        # dispatcher): an API process that serves only data does not load it (8 MB).
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            key_material.encode()
        )
        self._fernet: Fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError(
                "a webhook secret cannot be decrypted: was webhooks.encryption_key changed?"
            ) from None


def secret_box(settings: Settings, secret_key: str) -> SecretBox:
    """The box for this deployment: ``webhooks.encryption_key`` if set, else the database's key."""
    return SecretBox(settings.webhooks.encryption_key or secret_key)
