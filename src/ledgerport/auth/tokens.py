"""Bearer tokens: random, stored as SHA-256, shared by every process through the database.

A token is looked up by its hash; the principal it stands for is then kept in this process
for ``cache_seconds`` (keyed by the token itself, in memory only), so the hot path neither
hashes nor queries. Revocation and a disabled user therefore reach other processes within
that interval, and this process at once (``forget``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.errors import Unauthenticated
from ledgerport.store.auth_tables import oauth_tokens

__all__ = [
    "BearerAuthenticator",
    "BearerResult",
    "TokenRecord",
    "find_token",
    "new_secret",
    "revoke_token",
    "secret_hash",
    "store_token",
]

_CHALLENGE = 'Bearer realm="ledgerport", error="invalid_token"'


def secret_hash(value: str) -> str:
    """SHA-256 of a server-generated secret (token, code, client secret): enough for 256
    random bits, where a slow password hash would only slow every request."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret(prefix: str) -> str:
    """``prefix`` and 256 random bits, URL-safe (the prefix lets scanners spot leaks)."""
    return prefix + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenRecord:
    """A stored token (hashes only)."""

    access_hash: str
    refresh_hash: str | None
    client_id: str
    username: str
    scopes: tuple[str, ...]
    grant_type: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    """None: valid until revoked."""
    refresh_expires_at: dt.datetime | None
    revoked: bool = False

    def access_active(self, now: dt.datetime) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def refresh_active(self, now: dt.datetime) -> bool:
        return (
            not self.revoked
            and self.refresh_hash is not None
            and (self.refresh_expires_at is None or now < self.refresh_expires_at)
        )


def _record(row: Row[tuple[object, ...]]) -> TokenRecord:
    m = row._mapping
    return TokenRecord(
        access_hash=m["access_hash"],
        refresh_hash=m["refresh_hash"],
        client_id=m["client_id"],
        username=m["username"],
        scopes=tuple(str(m["scopes"]).split()),
        grant_type=m["grant_type"],
        issued_at=m["issued_at"],
        expires_at=m["expires_at"],
        refresh_expires_at=m["refresh_expires_at"],
        revoked=bool(m["revoked"]),
    )


async def store_token(conn: AsyncConnection, token: TokenRecord) -> None:
    await conn.execute(
        oauth_tokens.insert().values(
            access_hash=token.access_hash,
            refresh_hash=token.refresh_hash,
            client_id=token.client_id,
            username=token.username,
            scopes=" ".join(token.scopes),
            grant_type=token.grant_type,
            issued_at=token.issued_at,
            expires_at=token.expires_at,
            refresh_expires_at=token.refresh_expires_at,
            revoked=token.revoked,
        )
    )


async def find_token(
    conn: AsyncConnection, value: str, *, access: bool = True, refresh: bool = True
) -> TokenRecord | None:
    """The token whose access (and/or refresh) value is ``value``."""
    digest = secret_hash(value)
    conditions = []
    if access:
        conditions.append(oauth_tokens.c.access_hash == digest)
    if refresh:
        conditions.append(oauth_tokens.c.refresh_hash == digest)
    row = (await conn.execute(select(oauth_tokens).where(or_(*conditions)))).first()
    return None if row is None else _record(row)


async def revoke_token(conn: AsyncConnection, access_hash: str) -> None:
    """Revoke the access token and its refresh token together (RFC 7009 §2.1)."""
    await conn.execute(
        update(oauth_tokens).where(oauth_tokens.c.access_hash == access_hash).values(revoked=True)
    )


@dataclass(frozen=True)
class BearerResult:
    principal: Principal
    subject: str
    """Whom the rate limit counts: ``client:<id>`` for a registered client, else the user."""


class BearerAuthenticator:
    """Access token → principal, with a short in-process cache."""

    def __init__(
        self,
        *,
        cache_seconds: float = 5.0,
        max_cached: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache: dict[str, tuple[float, BearerResult | None]] = {}
        self._pending: dict[str, asyncio.Future[tuple[float, BearerResult | None]]] = {}
        self._cache_seconds = cache_seconds
        self._max_cached = max_cached
        self._clock = clock

    def forget(self) -> None:
        self._cache.clear()

    async def _resolve(
        self, token: str, resolve: Callable[[str], Awaitable[tuple[BearerResult | None, float]]]
    ) -> tuple[float, BearerResult | None]:
        now = self._clock()
        try:
            result, lifetime = await resolve(token)
        finally:
            del self._pending[token]  # before the waiters wake: they must not find it done
        if len(self._cache) >= self._max_cached:
            self._cache.clear()
        entry = (now + min(self._cache_seconds, lifetime), result)
        self._cache[token] = entry
        return entry

    async def authenticate(
        self, token: str, resolve: Callable[[str], Awaitable[tuple[BearerResult | None, float]]]
    ) -> BearerResult:
        """``resolve(token)`` gives the result (None: not valid) and seconds it stays valid."""
        cached = self._cache.get(token)
        if cached is None or cached[0] <= self._clock():
            # Single flight: the requests that find the entry expired together share one
            # lookup instead of each taking a database connection for it.
            pending = self._pending.get(token)
            if pending is None:
                pending = asyncio.ensure_future(self._resolve(token, resolve))
                self._pending[token] = pending
            cached = await asyncio.shield(pending)
        if cached[1] is None:
            raise Unauthenticated(
                "The access token is unknown, expired or revoked.",
                headers={"WWW-Authenticate": _CHALLENGE},
            )
        return cached[1]
