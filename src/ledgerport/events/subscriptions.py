"""Webhook subscriptions as stored: typed values and the statements that keep them.

Every function takes the owner, so one user never sees or changes another's subscription.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import decode, encode
from ledgerport.store.webhook_tables import webhook_subscriptions as subs

__all__ = [
    "NewSubscription",
    "Subscription",
    "delete_subscription",
    "find_subscription",
    "insert_subscription",
    "list_subscriptions",
    "rotate_secret",
    "subscription_of",
    "update_subscription",
]


@dataclass(frozen=True)
class Subscription:
    """A stored subscription; ``secret``/``previous_secret`` are sealed (encrypted)."""

    id: int
    owner: str
    url: str
    events: tuple[str, ...]
    companies: tuple[int, ...] | None
    """None: every company the owner has, checked at each delivery."""
    filter: Mapping[str, tuple[object, ...]] | None
    """Field name → accepted values; every named field must match."""
    description: str | None
    enabled: bool
    disabled_reason: str | None
    secret: str
    previous_secret: str | None
    previous_secret_until: dt.datetime | None
    next_sequence: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class NewSubscription:
    url: str
    events: tuple[str, ...]
    companies: tuple[int, ...] | None
    filter: Mapping[str, tuple[object, ...]] | None
    description: str | None
    enabled: bool


def subscription_of(row: Row[tuple[object, ...]]) -> Subscription:
    m = row._mapping
    companies = None if m["companies"] is None else tuple(decode(m["companies"]))
    filter_ = None if m["filter"] is None else {k: tuple(v) for k, v in decode(m["filter"]).items()}
    return Subscription(
        id=m["id"],
        owner=m["owner"],
        url=m["url"],
        events=tuple(decode(m["events"])),
        companies=companies,
        filter=filter_,
        description=m["description"],
        enabled=bool(m["enabled"]),
        disabled_reason=m["disabled_reason"],
        secret=m["secret"],
        previous_secret=m["previous_secret"],
        previous_secret_until=m["previous_secret_until"],
        next_sequence=m["next_sequence"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def _columns(new: NewSubscription) -> dict[str, object]:
    return {
        "url": new.url,
        "events": encode(list(new.events)).decode(),
        "companies": None if new.companies is None else encode(list(new.companies)).decode(),
        "filter": None
        if new.filter is None
        else encode({k: list(v) for k, v in new.filter.items()}).decode(),
        "description": new.description,
        "enabled": new.enabled,
    }


async def insert_subscription(
    conn: AsyncConnection, owner: str, new: NewSubscription, sealed_secret: str, now: dt.datetime
) -> Subscription:
    result = await conn.execute(
        insert(subs)
        .values(
            owner=owner,
            secret=sealed_secret,
            next_sequence=1,
            created_at=now,
            updated_at=now,
            **_columns(new),
        )
        .returning(subs)
    )
    return subscription_of(result.one())


async def list_subscriptions(conn: AsyncConnection, owner: str) -> list[Subscription]:
    rows = await conn.execute(select(subs).where(subs.c.owner == owner).order_by(subs.c.id))
    return [subscription_of(r) for r in rows]


async def find_subscription(
    conn: AsyncConnection, owner: str, subscription_id: int, *, for_update: bool = False
) -> Subscription | None:
    statement = select(subs).where(subs.c.id == subscription_id, subs.c.owner == owner)
    if for_update:
        statement = statement.with_for_update()
    row = (await conn.execute(statement)).first()
    return None if row is None else subscription_of(row)


async def update_subscription(
    conn: AsyncConnection, current: Subscription, new: NewSubscription, now: dt.datetime
) -> Subscription:
    values = _columns(new)
    if new.enabled:
        values["disabled_reason"] = None
    result = await conn.execute(
        update(subs).where(subs.c.id == current.id).values(updated_at=now, **values).returning(subs)
    )
    return subscription_of(result.one())


async def rotate_secret(
    conn: AsyncConnection,
    current: Subscription,
    sealed_new: str,
    previous_until: dt.datetime,
    now: dt.datetime,
) -> Subscription:
    """The new secret signs from now on; the previous one also signs until ``previous_until``."""
    result = await conn.execute(
        update(subs)
        .where(subs.c.id == current.id)
        .values(
            secret=sealed_new,
            previous_secret=current.secret,
            previous_secret_until=previous_until,
            updated_at=now,
        )
        .returning(subs)
    )
    return subscription_of(result.one())


async def delete_subscription(conn: AsyncConnection, subscription_id: int) -> None:
    await conn.execute(delete(subs).where(subs.c.id == subscription_id))
