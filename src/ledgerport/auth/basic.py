"""HTTP Basic authentication (RFC 7617) against API users, with a short credential cache.

A verified credential is remembered for ``cache_seconds`` under a keyed hash of name and
password (never the password), so argon2 runs once per credential and interval, not once
per request. Disabling a user or changing its password takes effect within that interval.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable

from ledgerport.auth.passwords import DUMMY_HASH, PasswordVerifier
from ledgerport.auth.principal import Principal
from ledgerport.auth.users import UserRecord
from ledgerport.errors import Unauthenticated

__all__ = ["BasicAuthenticator", "parse_basic"]


def parse_basic(credentials: str) -> tuple[str, str]:
    """The user name and password of a ``Basic`` credential (after the scheme)."""
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("Basic credentials must be base64 of name:password.") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise Unauthenticated("The Basic credentials must be name:password.")
    return username, password


class _WrongCredentials(Exception):
    """A wrong name or password (a failed login, unlike a refused but valid one)."""

    def __init__(self, error: Unauthenticated) -> None:
        super().__init__(error.detail)
        self.error = error


class BasicAuthenticator:
    """Basic credentials → Principal, raising Unauthenticated with a clear reason."""

    def __init__(
        self,
        verifier: PasswordVerifier,
        *,
        cache_seconds: float = 30.0,
        max_cached: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._verifier = verifier
        self._cache: dict[bytes, tuple[float, Principal]] = {}
        self._cache_seconds = cache_seconds
        self._max_cached = max_cached
        self._clock = clock
        self._pepper = secrets.token_bytes(32)
        self._pending: dict[bytes, asyncio.Future[Principal]] = {}

    def forget(self) -> None:
        """Drop every cached credential (on a configuration reload)."""
        self._cache.clear()

    async def authenticate(
        self,
        username: str,
        password: str,
        lookup: Callable[[str], Awaitable[UserRecord | None]],
        to_principal: Callable[[UserRecord], Principal],
        on_failure: Callable[[], Awaitable[None]] | None = None,
    ) -> Principal:
        """The principal of these credentials; ``on_failure`` runs on a wrong password."""
        fingerprint = hmac.new(
            self._pepper, f"{username}\x00{password}".encode(), hashlib.sha256
        ).digest()
        now = self._clock()
        cached = self._cache.get(fingerprint)
        if cached is not None and cached[0] > now:
            return cached[1]
        # Single flight: concurrent requests with the same uncached credential share one
        # argon2 verification, instead of a burst of them every time the cache expires.
        # Each request that was refused counts as a failed login of its own.
        pending = self._pending.get(fingerprint)
        try:
            if pending is not None:
                return await asyncio.shield(pending)
            return await self._lead(fingerprint, now, username, password, lookup, to_principal)
        except _WrongCredentials as wrong:
            if on_failure is not None:
                await on_failure()
            raise wrong.error from None

    async def _lead(
        self,
        fingerprint: bytes,
        now: float,
        username: str,
        password: str,
        lookup: Callable[[str], Awaitable[UserRecord | None]],
        to_principal: Callable[[UserRecord], Principal],
    ) -> Principal:
        future: asyncio.Future[Principal] = asyncio.get_running_loop().create_future()
        self._pending[fingerprint] = future
        try:
            principal = await self._verify(username, password, lookup, to_principal)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" report without waiters
            raise
        finally:
            del self._pending[fingerprint]
        future.set_result(principal)
        if len(self._cache) >= self._max_cached:
            self._cache.clear()
        self._cache[fingerprint] = (now + self._cache_seconds, principal)
        return principal

    async def _verify(
        self,
        username: str,
        password: str,
        lookup: Callable[[str], Awaitable[UserRecord | None]],
        to_principal: Callable[[UserRecord], Principal],
    ) -> Principal:
        user = await lookup(username)
        ok = await self._verifier.verify(user.password_hash if user else DUMMY_HASH, password)
        if user is None or not ok or user.disabled:
            raise _WrongCredentials(
                Unauthenticated(
                    "Wrong user name or password.",
                    headers={"WWW-Authenticate": 'Basic realm="ledgerport", charset="UTF-8"'},
                )
            )
        if not user.allow_basic:
            raise Unauthenticated(
                f"User {username} may not use Basic authentication; get a Bearer token "
                "from /api/oauth/token.",
                headers={"WWW-Authenticate": 'Bearer realm="ledgerport"'},
            )
        return to_principal(user)
