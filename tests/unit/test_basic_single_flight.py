"""Concurrent requests with one uncached Basic credential share one argon2 verification."""

from __future__ import annotations

import asyncio

import pytest

from ledgerport.auth.basic import BasicAuthenticator
from ledgerport.auth.passwords import PasswordVerifier, hash_password
from ledgerport.auth.principal import Principal
from ledgerport.auth.users import UserRecord
from ledgerport.errors import Unauthenticated


class CountingVerifier(PasswordVerifier):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def verify(self, password_hash: str, password: str) -> bool:
        self.calls += 1
        return await super().verify(password_hash, password)


USER = UserRecord("flight", hash_password("right"), None, True, False, False, ("read",), ())


async def lookup(name: str) -> UserRecord | None:
    return USER if name == "flight" else None


def principal(user: UserRecord) -> Principal:
    return Principal(user.username, frozenset(user.scopes), user.companies)


async def test_thirty_two_concurrent_requests_verify_once() -> None:
    verifier = CountingVerifier()
    basic = BasicAuthenticator(verifier)
    results = await asyncio.gather(
        *(basic.authenticate("flight", "right", lookup, principal) for _ in range(32))
    )
    assert {r.username for r in results} == {"flight"}
    assert verifier.calls == 1


async def test_a_wrong_password_fails_every_waiter_and_is_not_cached() -> None:
    verifier = CountingVerifier()
    basic = BasicAuthenticator(verifier)
    outcomes = await asyncio.gather(
        *(basic.authenticate("flight", "wrong", lookup, principal) for _ in range(8)),
        return_exceptions=True,
    )
    assert all(isinstance(o, Unauthenticated) for o in outcomes)
    assert verifier.calls == 1
    with pytest.raises(Unauthenticated):
        await basic.authenticate("flight", "wrong", lookup, principal)
    assert verifier.calls == 2
