"""The database work of the OAuth server, as coroutines the (synchronous) Authlib core
calls through a bridge onto the event loop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.clients import find_client
from ledgerport.auth.oauth_models import CodeModel, OAuthClient, TokenModel
from ledgerport.auth.passwords import DUMMY_HASH, PasswordVerifier
from ledgerport.auth.throttle import LoginGuard
from ledgerport.auth.tokens import TokenRecord, find_token, revoke_token, secret_hash, store_token
from ledgerport.auth.users import UserRecord, find_user
from ledgerport.config import Settings
from ledgerport.store.auth_tables import oauth_codes
from ledgerport.store.database import Database

__all__ = ["LoginRefused", "OAuthStore"]


class LoginRefused(Exception):
    """A password login failed; ``locked_for`` seconds when the pair is locked out."""

    def __init__(self, message: str, locked_for: int | None = None) -> None:
        super().__init__(message)
        self.locked_for = locked_for


@dataclass
class OAuthStore:
    database: Database
    verifier: PasswordVerifier
    settings: Callable[[], Settings]
    guard: Callable[[], LoginGuard]
    clock: Callable[[], dt.datetime]

    async def client(self, client_id: str) -> OAuthClient | None:
        async with self.database.read() as conn:
            return await find_client(conn, client_id)

    async def user(self, username: str) -> UserRecord | None:
        async with self.database.read() as conn:
            user = await find_user(conn, username, self.settings().users)
        return None if user is None or user.disabled else user

    async def login(self, username: str, password: str, address: str) -> UserRecord:
        """The user of this name and password, throttled per (user, address)."""
        from ledgerport.errors import RateLimited

        guard = self.guard()
        try:
            had_failures = await guard.check(username, address)
        except RateLimited as exc:
            raise LoginRefused(exc.detail, int(exc.headers["Retry-After"])) from None
        async with self.database.read() as conn:
            user = await find_user(conn, username, self.settings().users)
        ok = await self.verifier.verify(user.password_hash if user else DUMMY_HASH, password)
        if user is None or not ok or user.disabled:
            await guard.failed(username, address)
            raise LoginRefused("Wrong user name or password.")
        if had_failures:
            await guard.succeeded(username, address)
        return user

    async def save_token(self, record: TokenRecord) -> None:
        async with self.database.write() as conn:
            await store_token(conn, record)

    async def save_code(self, code: str, model: CodeModel) -> None:
        expires = self.clock() + dt.timedelta(seconds=self.settings().tokens.code_ttl)
        async with self.database.write() as conn:
            await conn.execute(
                oauth_codes.insert().values(
                    code_hash=secret_hash(code),
                    client_id=model.client_id,
                    username=model.username,
                    redirect_uri=model.redirect_uri,
                    scopes=model.scope,
                    code_challenge=model.code_challenge,
                    code_challenge_method=model.code_challenge_method,
                    expires_at=expires,
                )
            )

    async def take_code(self, code: str, client_id: str) -> CodeModel | None:
        """Claim the code (it works once: deleted as it is read); None if unknown or expired."""
        statement = (
            delete(oauth_codes)
            .where(oauth_codes.c.code_hash == secret_hash(code))
            .returning(*oauth_codes.c)
        )
        async with self.database.write() as conn:
            row = (await conn.execute(statement)).first()
            await _purge_expired_codes(conn, self.clock())
        if row is None or row.client_id != client_id or row.expires_at <= self.clock():
            return None
        return CodeModel(
            client_id=row.client_id,
            username=row.username,
            redirect_uri=row.redirect_uri,
            scope=row.scopes,
            code_challenge=row.code_challenge,
            code_challenge_method=row.code_challenge_method,
        )

    async def token(self, value: str) -> TokenModel | None:
        """The token whose access or refresh value is ``value`` (a type hint only orders
        the search in RFC 7009/7662, so both are searched)."""
        async with self.database.read() as conn:
            record = await find_token(conn, value)
        if record is None:
            return None
        is_refresh = record.refresh_hash == secret_hash(value)
        return TokenModel(record, self.clock(), refresh=is_refresh)

    async def revoke(self, record: TokenRecord) -> None:
        async with self.database.write() as conn:
            await revoke_token(conn, record.access_hash)


async def _purge_expired_codes(conn: AsyncConnection, now: dt.datetime) -> None:
    await conn.execute(delete(oauth_codes).where(oauth_codes.c.expires_at < now))
