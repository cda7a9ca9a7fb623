"""Whether a subscription's owner may still receive an event (checked again at delivery)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.auth.users import find_user, from_settings, principal_of
from ledgerport.config import Settings
from ledgerport.store.database import Database

__all__ = ["OwnerLookup", "access_error", "find_owner", "owner_lookup"]

OwnerLookup = Callable[[AsyncConnection, str], Coroutine[Any, Any, Principal | None]]


def owner_lookup(settings: Callable[[], Settings]) -> OwnerLookup:
    """Owner name → Principal (None when the user is gone or disabled), settings read live."""

    async def lookup(conn: AsyncConnection, username: str) -> Principal | None:
        current = settings()
        user = await find_user(conn, username, current.users)
        if user is None or user.disabled:
            return None
        return principal_of(user, current.server.default_context_user)

    return lookup


async def find_owner(
    database: Database, settings: Callable[[], Settings], username: str
) -> Principal | None:
    """The owner as now configured: a settings-file user needs no database transaction."""
    current = settings()
    for user in current.users:
        if user.username == username:
            return principal_of(from_settings(user), current.server.default_context_user)
    async with database.read() as conn:
        return await owner_lookup(settings)(conn, username)


def access_error(owner: Principal | None, company_no: int | None, resource: str) -> str | None:
    """Why the owner may not receive an event of ``resource`` in ``company_no``, or None."""
    if owner is None:
        return "the subscription's owner no longer exists or is disabled"
    if "webhooks" not in owner.scopes:
        return f"user {owner.username} no longer has the webhooks scope"
    if company_no is not None:
        if owner.grant(company_no) is None:
            return f"user {owner.username} has no access to company {company_no}"
        return None
    if resource.startswith("sys.") and not owner.allow_sys:
        return f"user {owner.username} may not read sys data"
    if resource.startswith("catalog.") and not owner.allow_catalog:
        return f"user {owner.username} may not read catalog data"
    return None
