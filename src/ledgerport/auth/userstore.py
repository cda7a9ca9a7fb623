"""API users kept in the database: create, list, change, disable (CLI and ``/api/sys/apiusers``).

Only argon2 hashes are stored; nothing here returns a hash to a caller that shows users.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import CompanyGrant
from ledgerport.auth.users import UserRecord, find_user, from_settings
from ledgerport.config import ALL_SCOPES, UserSettings
from ledgerport.errors import Conflict, DuplicateKey, FieldError, NotFound, ValidationFailed
from ledgerport.store.system import api_user_companies, api_users

__all__ = [
    "UserChange",
    "add_user",
    "change_user",
    "check_scopes",
    "list_users",
    "remove_user",
    "shown",
]


@dataclass(frozen=True)
class UserChange:
    """Fields to change on a stored user; None leaves a field as it is."""

    password_hash: str | None = None
    context_user: str | None = None
    allow_basic: bool | None = None
    allow_sys: bool | None = None
    allow_catalog: bool | None = None
    scopes: tuple[str, ...] | None = None
    disabled: bool | None = None
    companies: tuple[CompanyGrant, ...] | None = None


def check_scopes(scopes: Sequence[str], field: str = "scopes") -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise ValidationFailed(
            f"Unknown scope {unknown[0]!r}.",
            errors=[FieldError(field, f"use some of {', '.join(ALL_SCOPES)}")],
        )
    return tuple(dict.fromkeys(scopes))


async def add_user(
    conn: AsyncConnection,
    user: UserRecord,
    configured: tuple[UserSettings, ...],
    now: dt.datetime,
) -> None:
    """Store a new user; a name taken (in the file or the database) is a DuplicateKey."""
    if not user.password_hash.startswith("$argon2"):
        raise ValidationFailed("Only argon2 password hashes are stored.")
    if await find_user(conn, user.username, configured) is not None:
        raise DuplicateKey(f"There is already an API user {user.username!r}.")
    await conn.execute(
        api_users.insert().values(
            username=user.username,
            password_hash=user.password_hash,
            context_user=user.context_user,
            allow_basic=user.allow_basic,
            allow_sys=user.allow_sys,
            allow_catalog=user.allow_catalog,
            scopes=" ".join(check_scopes(user.scopes)),
            disabled=user.disabled,
            created_at=now,
        )
    )
    await _write_companies(conn, user.username, user.companies)


async def change_user(
    conn: AsyncConnection, username: str, change: UserChange, configured: tuple[UserSettings, ...]
) -> None:
    if any(u.username == username for u in configured):
        raise Conflict(f"{username!r} is defined in the settings file: change it there.")
    values: dict[str, object] = {
        name: getattr(change, name)
        for name in ("password_hash", "allow_basic", "allow_sys", "allow_catalog", "disabled")
        if getattr(change, name) is not None
    }
    if change.context_user is not None:
        values["context_user"] = change.context_user or None
    if change.scopes is not None:
        values["scopes"] = " ".join(check_scopes(change.scopes))
    if values:
        result = await conn.execute(
            update(api_users).where(api_users.c.username == username).values(**values)
        )
        found = result.rowcount > 0
    else:
        found = await _exists(conn, username)
    if not found:
        raise NotFound(f"There is no API user {username!r} in the database.")
    if change.companies is not None:
        await conn.execute(
            delete(api_user_companies).where(api_user_companies.c.username == username)
        )
        await _write_companies(conn, username, change.companies)


async def remove_user(conn: AsyncConnection, username: str) -> None:
    result = await conn.execute(delete(api_users).where(api_users.c.username == username))
    if result.rowcount == 0:
        raise NotFound(f"There is no API user {username!r} in the database.")


async def list_users(
    conn: AsyncConnection, configured: tuple[UserSettings, ...]
) -> list[tuple[UserRecord, str]]:
    """Every user with where it comes from (``config`` or ``database``), by name."""
    users = [(from_settings(u), "config") for u in configured]
    names = (await conn.execute(select(api_users.c.username))).scalars().all()
    for name in names:
        record = await find_user(conn, name, ())
        if record is not None:
            users.append((record, "database"))
    return sorted(users, key=lambda pair: pair[0].username)


def shown(user: UserRecord, source: str) -> dict[str, object]:
    """A user as the API and CLI show it: never the hash."""
    return {
        "username": user.username,
        "source": source,
        "contextUser": user.context_user,
        "allowBasic": user.allow_basic,
        "allowSys": user.allow_sys,
        "allowCatalog": user.allow_catalog,
        "scopes": list(user.scopes),
        "disabled": user.disabled,
        "companies": [
            {
                "companyNo": g.company_no,
                "numberSeries": [
                    {"field": i.field, "from": i.start, "to": i.end} for i in g.number_series
                ],
            }
            for g in user.companies
        ],
    }


async def _exists(conn: AsyncConnection, username: str) -> bool:
    found = await conn.execute(select(api_users.c.username).where(api_users.c.username == username))
    return found.first() is not None


class _Interval(msgspec.Struct):
    field: str
    start: int
    end: int


async def _write_companies(
    conn: AsyncConnection, username: str, companies: tuple[CompanyGrant, ...]
) -> None:
    if not companies:
        return
    await conn.execute(
        api_user_companies.insert(),
        [
            {
                "username": username,
                "company_no": g.company_no,
                "number_series": msgspec.json.encode(
                    [_Interval(i.field, i.start, i.end) for i in g.number_series]
                ).decode(),
            }
            for g in companies
        ],
    )
