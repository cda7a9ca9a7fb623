"""API users from the configuration file and from the database, as Principals."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import CompanyGrant, NumberInterval, Principal
from ledgerport.config import UserSettings
from ledgerport.store.system import api_user_companies, api_users

__all__ = ["UserRecord", "configured_users_in_database", "find_user", "principal_of"]


@dataclass(frozen=True)
class UserRecord:
    """An API user as stored (file or database), hash included: never sent to a client."""

    username: str
    password_hash: str
    context_user: str | None
    allow_basic: bool
    allow_sys: bool
    allow_catalog: bool
    scopes: tuple[str, ...]
    companies: tuple[CompanyGrant, ...]
    disabled: bool = False


def from_settings(user: UserSettings) -> UserRecord:
    return UserRecord(
        username=user.username,
        password_hash=user.password_hash,
        context_user=user.context_user,
        allow_basic=user.allow_basic,
        allow_sys=user.allow_sys,
        allow_catalog=user.allow_catalog,
        scopes=user.scopes,
        companies=tuple(
            CompanyGrant(
                c.company_no,
                tuple(NumberInterval(n.field, n.from_, n.to) for n in c.number_series),
            )
            for c in user.companies
        ),
    )


class _Interval(msgspec.Struct):
    field: str
    start: int
    end: int


async def find_user(
    conn: AsyncConnection, username: str, configured: tuple[UserSettings, ...]
) -> UserRecord | None:
    """The user of that name: the configuration file first, then the database."""
    for user in configured:
        if user.username == username:
            return from_settings(user)
    row = (await conn.execute(select(api_users).where(api_users.c.username == username))).first()
    if row is None:
        return None
    grants = await conn.execute(
        select(api_user_companies.c.company_no, api_user_companies.c.number_series)
        .where(api_user_companies.c.username == username)
        .order_by(api_user_companies.c.company_no)
    )
    return UserRecord(
        username=row.username,
        password_hash=row.password_hash,
        context_user=row.context_user,
        allow_basic=row.allow_basic,
        allow_sys=row.allow_sys,
        allow_catalog=row.allow_catalog,
        scopes=tuple(row.scopes.split()),
        companies=tuple(
            CompanyGrant(
                g.company_no,
                tuple(
                    NumberInterval(i.field, i.start, i.end)
                    for i in msgspec.json.decode(g.number_series, type=list[_Interval])
                ),
            )
            for g in grants
        ),
        disabled=row.disabled,
    )


def principal_of(user: UserRecord, default_context_user: str | None) -> Principal:
    return Principal(
        username=user.username,
        scopes=frozenset(user.scopes),
        companies=user.companies,
        context_user=user.context_user or default_context_user,
        allow_sys=user.allow_sys,
        allow_catalog=user.allow_catalog,
    )


async def configured_users_in_database(
    conn: AsyncConnection, configured: tuple[UserSettings, ...]
) -> list[str]:
    """Names that are both in the settings file and in the database (refused at start)."""
    names = [u.username for u in configured]
    if not names:
        return []
    rows = await conn.execute(select(api_users.c.username).where(api_users.c.username.in_(names)))
    return sorted(r.username for r in rows)
