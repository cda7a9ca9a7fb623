"""Argon2 password hashes, verified off the event loop with a bound on concurrent work.

Argon2 is slow on purpose (tens of milliseconds) and memory-hard; verifying many at once
would starve the event loop and the machine, so at most ``concurrency`` run together.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["DUMMY_HASH", "PasswordVerifier", "hash_password"]

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash with the library's recommended parameters (RFC 9106)."""
    return _HASHER.hash(password)


DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$41BtU64yROx9D/zEj5KTKA"
    "$QRo0ZBEi4aOYd3w3VmlJ9+Cu1yM3iycxVpIippTyQUg"
)
"""Verified for unknown users, so a wrong name costs what a wrong password costs. Made once
with the default parameters (hashing at import cost every worker half a second to start)."""


class PasswordVerifier:
    """Verify passwords against argon2 hashes in worker threads."""

    def __init__(self, concurrency: int = 2) -> None:
        self._slots = asyncio.Semaphore(concurrency)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(_verify, password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
