"""What the /api/webhooks endpoints do, below HTTP: each call is one transaction.

Deliveries created here (ping, replay) wake dispatchers like any other: in-process through
the commit hook, elsewhere through ``pg_notify`` (sent at commit).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import encode
from ledgerport.errors import NotFound
from ledgerport.events.sealing import SecretBox, new_signing_secret
from ledgerport.events.subscriptions import (
    NewSubscription,
    Subscription,
    delete_subscription,
    find_subscription,
    insert_subscription,
    list_subscriptions,
    rotate_secret,
    update_subscription,
)
from ledgerport.store.database import Database
from ledgerport.store.webhook_tables import NOTIFY_CHANNEL
from ledgerport.store.webhook_tables import webhook_attempts as attempts
from ledgerport.store.webhook_tables import webhook_deliveries as deliveries
from ledgerport.store.webhook_tables import webhook_subscriptions as subs

__all__ = [
    "Attempt",
    "Delivery",
    "Webhooks",
]

PING_EVENT = "webhook.ping"
FAILED = ("dead",)


@dataclass(frozen=True)
class Attempt:
    at: dt.datetime
    status_code: int | None
    duration_ms: float
    error: str | None


@dataclass(frozen=True)
class Delivery:
    id: int
    message_id: str
    event_type: str
    company_no: int | None
    sequence: int
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    last_duration_ms: float | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    log: tuple[Attempt, ...]


@dataclass(frozen=True)
class Webhooks:
    """Subscriptions of one owner at a time; secrets sealed with ``box``."""

    database: Database
    box: SecretBox

    async def create(
        self, owner: str, new: NewSubscription, now: dt.datetime
    ) -> tuple[Subscription, str]:
        """The stored subscription and its secret in clear (shown to the caller once)."""
        secret = new_signing_secret()
        async with self.database.write() as conn:
            created = await insert_subscription(conn, owner, new, self.box.seal(secret), now)
        return created, secret

    async def all(self, owner: str) -> list[Subscription]:
        async with self.database.read() as conn:
            return await list_subscriptions(conn, owner)

    async def get(self, owner: str, subscription_id: int) -> Subscription:
        async with self.database.read() as conn:
            return await _found(conn, owner, subscription_id)

    async def update(
        self, owner: str, current: Subscription, new: NewSubscription, now: dt.datetime
    ) -> Subscription:
        async with self.database.write() as conn:
            locked = await _found(conn, owner, current.id, for_update=True)
            updated = await update_subscription(conn, locked, new, now)
            if updated.enabled:
                await self._notify(conn)
            return updated

    async def delete(self, owner: str, subscription_id: int) -> None:
        async with self.database.write() as conn:
            await _found(conn, owner, subscription_id, for_update=True)
            await delete_subscription(conn, subscription_id)

    async def rotate(
        self, owner: str, subscription_id: int, grace_seconds: int, now: dt.datetime
    ) -> tuple[Subscription, str]:
        secret = new_signing_secret()
        until = now + dt.timedelta(seconds=grace_seconds)
        async with self.database.write() as conn:
            current = await _found(conn, owner, subscription_id, for_update=True)
            rotated = await rotate_secret(conn, current, self.box.seal(secret), until, now)
        return rotated, secret

    async def deliveries(
        self, owner: str, subscription_id: int, status: str | None, top: int
    ) -> list[Delivery]:
        async with self.database.read() as conn:
            await _found(conn, owner, subscription_id)
            d = deliveries.c
            statement = select(deliveries).where(d.subscription_id == subscription_id)
            if status is not None:
                statement = statement.where(d.status == status)
            rows = (await conn.execute(statement.order_by(d.id.desc()).limit(top))).all()
            logs = await _attempt_logs(conn, [r.id for r in rows])
        return [_delivery(r._mapping, logs.get(r.id, ())) for r in rows]

    async def replay(
        self, owner: str, subscription_id: int, delivery_id: int | None, now: dt.datetime
    ) -> int:
        """Make failed deliveries (one, or all) due again with a fresh attempt budget."""
        d = deliveries.c
        async with self.database.write() as conn:
            await _found(conn, owner, subscription_id)
            statement = update(deliveries).where(d.subscription_id == subscription_id)
            if delivery_id is not None:
                found = await conn.scalar(
                    select(d.status).where(
                        d.subscription_id == subscription_id, d.id == delivery_id
                    )
                )
                if found is None:
                    raise NotFound(f"Subscription {subscription_id} has no delivery {delivery_id}.")
                statement = statement.where(d.id == delivery_id, d.status != "delivering")
            else:
                statement = statement.where(d.status.in_(FAILED))
            result = await conn.execute(
                statement.values(
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    finished_at=None,
                    lease_until=None,
                    claim_token=None,
                )
            )
            await self._notify(conn)
            return int(result.rowcount or 0)

    async def ping(self, owner: str, subscription_id: int, now: dt.datetime) -> int:
        """Queue a ``webhook.ping`` event for the subscription; the delivery's id."""
        async with self.database.write() as conn:
            sub = await _found(conn, owner, subscription_id, for_update=True)
            sequence = sub.next_sequence
            body = encode(
                {
                    "type": PING_EVENT,
                    "timestamp": now,
                    "data": {
                        "companyNo": None,
                        "resource": None,
                        "key": {},
                        "sequence": sequence,
                        "entity": None,
                        "changes": None,
                    },
                }
            ).decode()
            result = await conn.execute(
                insert(deliveries)
                .values(
                    subscription_id=sub.id,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    event_type=PING_EVENT,
                    company_no=None,
                    sequence=sequence,
                    payload=body,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
                .returning(deliveries.c.id)
            )
            await conn.execute(
                update(subs).where(subs.c.id == sub.id).values(next_sequence=sequence + 1)
            )
            await self._notify(conn)
            return int(result.scalar_one())

    async def _notify(self, conn: AsyncConnection) -> None:
        if not self.database.is_sqlite:
            await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


async def _found(
    conn: AsyncConnection, owner: str, subscription_id: int, *, for_update: bool = False
) -> Subscription:
    found = await find_subscription(conn, owner, subscription_id, for_update=for_update)
    if found is None:
        raise NotFound(f"You have no webhook subscription {subscription_id}.")
    return found


async def _attempt_logs(conn: AsyncConnection, ids: list[int]) -> dict[int, tuple[Attempt, ...]]:
    if not ids:
        return {}
    a = attempts.c
    rows = await conn.execute(select(attempts).where(a.delivery_id.in_(ids)).order_by(a.id))
    logs: dict[int, list[Attempt]] = {}
    for r in rows:
        logs.setdefault(r.delivery_id, []).append(
            Attempt(r.at, r.status_code, r.duration_ms, r.error)
        )
    return {k: tuple(v) for k, v in logs.items()}


def _delivery(m: object, log: tuple[Attempt, ...]) -> Delivery:
    row = dict(m)  # type: ignore[call-overload]
    return Delivery(
        id=row["id"],
        message_id=row["message_id"],
        event_type=row["event_type"],
        company_no=row["company_no"],
        sequence=row["sequence"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
        last_status_code=row["last_status_code"],
        last_error=row["last_error"],
        last_duration_ms=row["last_duration_ms"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        log=log,
    )
