"""Claiming deliveries with a lease, and recording what an attempt did.

A claim is one short transaction: subscriptions with due work and nothing in flight are
locked ``FOR UPDATE SKIP LOCKED`` (another worker skips them), then up to ``per_subscription``
of their due deliveries, oldest first, are marked ``delivering`` with a lease and a claim token.
No transaction stays open during the HTTP call. A result is written only while the token is
still ours; a lease that expires (the worker died) makes the delivery due again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.events.subscriptions import Subscription, subscription_of
from ledgerport.query.types import UTCDateTime
from ledgerport.store.database import Database
from ledgerport.store.webhook_tables import webhook_attempts as attempts
from ledgerport.store.webhook_tables import webhook_deliveries as deliveries
from ledgerport.store.webhook_tables import webhook_subscriptions as subs

__all__ = [
    "Claim",
    "Claimed",
    "Outcome",
    "claim",
    "extend",
    "forget_finished",
    "record",
    "relaxed",
    "release",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Claimed:
    id: int
    message_id: str
    event_type: str
    company_no: int | None
    payload: bytes
    attempts: int
    """Attempts made before this one (in the current round)."""


@dataclass(frozen=True)
class Claim:
    """A subscription's deliveries claimed by one worker, in order."""

    subscription: Subscription
    deliveries: tuple[Claimed, ...]
    token: str
    lease_until: dt.datetime


@dataclass(frozen=True)
class Outcome:
    """What one attempt did and what follows from it."""

    delivery_id: int
    at: dt.datetime
    duration_ms: float
    status_code: int | None
    error: str | None
    status: str
    """``succeeded``, ``pending`` (retry at ``next_attempt_at``), ``dead`` or ``skipped``."""
    next_attempt_at: dt.datetime | None = None
    disable_reason: str | None = None
    """Set when the subscription must be disabled (410 Gone)."""
    counts_as_attempt: bool = True


async def relaxed(conn: AsyncConnection, database: Database) -> None:
    """Commit without waiting for the WAL flush (PostgreSQL). Safe here: everything the
    dispatcher writes is atomic and only ever leads to a resend if lost in a crash (at least
    once), and it takes the fsync wait off every claim and result."""
    if not database.is_sqlite:
        await conn.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _due(now: dt.datetime) -> ColumnElement[bool]:
    d = deliveries.c
    return or_(
        and_(d.status == "pending", d.next_attempt_at <= now),
        and_(d.status == "delivering", d.lease_until < now),
    )


def _in_flight(now: dt.datetime) -> ColumnElement[bool]:
    d = deliveries.c
    return (
        exists()
        .where(d.subscription_id == subs.c.id, d.status == "delivering", d.lease_until >= now)
        .correlate(subs)
    ).self_group()


async def claim(
    database: Database,
    now: dt.datetime,
    lease_seconds: float,
    max_subscriptions: int,
    per_subscription: int,
    busy: frozenset[int] = frozenset(),
) -> list[Claim]:
    """Claim work for up to ``max_subscriptions`` subscriptions (round robin), leaving out
    ``busy`` ones (this worker is delivering to them: no transaction spent finding that out)."""
    if max_subscriptions <= 0:
        return []
    token = uuid.uuid4().hex
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    due_for_sub = exists().where(deliveries.c.subscription_id == subs.c.id, _due(now))
    idle = deliveries.c.subscription_id.not_in(busy) if busy else literal(True)
    async with database.read() as conn:  # no write lock taken when there is nothing to do
        if await conn.scalar(select(deliveries.c.id).where(_due(now), idle).limit(1)) is None:
            return []
    async with database.write() as conn:
        await relaxed(conn, database)
        locked = (
            await conn.execute(
                select(subs)
                .where(
                    subs.c.enabled,
                    subs.c.id.not_in(busy) if busy else literal(True),
                    due_for_sub.correlate(subs),
                    ~_in_flight(now),
                )
                .order_by(func.coalesce(subs.c.claimed_at, literal(_EPOCH)), subs.c.id)
                .limit(max_subscriptions)
                .with_for_update(skip_locked=True, of=subs)
            )
        ).all()
        claims = []
        for row in locked:
            sub = subscription_of(row)
            claimed = await _claim_for(conn, sub, now, token, lease_until, per_subscription)
            if claimed:
                claims.append(Claim(sub, claimed, token, lease_until))
    return claims


async def _claim_for(
    conn: AsyncConnection,
    sub: Subscription,
    now: dt.datetime,
    token: str,
    lease_until: dt.datetime,
    limit: int,
) -> tuple[Claimed, ...]:
    # A fresh statement under the row lock: another worker may have claimed and committed
    # between our first statement's snapshot and our lock.
    busy = (
        await conn.execute(select(subs.c.id).where(subs.c.id == sub.id, _in_flight(now)))
    ).first()
    if busy:
        return ()
    d = deliveries.c
    rows = (
        await conn.execute(
            select(d.id, d.message_id, d.event_type, d.company_no, d.payload, d.attempts)
            .where(d.subscription_id == sub.id, _due(now))
            .order_by(d.id)
            .limit(limit)
        )
    ).all()
    if not rows:
        return ()
    await conn.execute(
        update(deliveries)
        .where(d.id.in_([r.id for r in rows]))
        .values(status="delivering", lease_until=lease_until, claim_token=token)
    )
    await conn.execute(update(subs).where(subs.c.id == sub.id).values(claimed_at=now))
    return tuple(
        Claimed(r.id, r.message_id, r.event_type, r.company_no, r.payload.encode(), r.attempts)
        for r in rows
    )


async def extend(database: Database, ids: list[int], token: str, until: dt.datetime) -> None:
    """Keep the lease of deliveries we still hold (a long batch to a slow receiver)."""
    if not ids:
        return
    async with database.write() as conn:
        await relaxed(conn, database)
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_(ids), deliveries.c.claim_token == token)
            .values(lease_until=until)
        )


async def release(database: Database, ids: list[int], token: str, now: dt.datetime) -> None:
    """Give back claimed deliveries that were not attempted (due at once, order kept)."""
    if not ids:
        return
    async with database.write() as conn:
        await relaxed(conn, database)
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_(ids), deliveries.c.claim_token == token)
            .values(status="pending", next_attempt_at=now, lease_until=None, claim_token=None)
        )


async def record(
    database: Database, subscription_id: int, token: str, outcomes: list[Outcome]
) -> None:
    """Write the outcomes of a claim in one transaction, only for what the token still holds.

    Three statements for any number of outcomes (executemany), not two per delivery.
    """
    if not outcomes:
        return
    d = deliveries.c
    async with database.write() as conn:
        await relaxed(conn, database)
        held = set(
            (
                await conn.scalars(
                    select(d.id).where(
                        d.id.in_([o.delivery_id for o in outcomes]), d.claim_token == token
                    )
                )
            ).all()
        )
        mine = [o for o in outcomes if o.delivery_id in held]
        if mine:
            await conn.execute(
                update(deliveries)
                .where(d.id == bindparam("b_id"))
                .values(
                    status=bindparam("b_status"),
                    lease_until=None,
                    claim_token=None,
                    last_status_code=bindparam("b_code"),
                    last_error=bindparam("b_error"),
                    last_duration_ms=bindparam("b_ms"),
                    attempts=d.attempts + bindparam("b_counted"),
                    next_attempt_at=func.coalesce(
                        bindparam("b_next", type_=UTCDateTime()), d.next_attempt_at
                    ),
                    finished_at=bindparam("b_finished", type_=UTCDateTime()),
                ),
                [_update_row(o) for o in mine],
            )
            attempted = [o for o in mine if o.counts_as_attempt]
            if attempted:
                await conn.execute(insert(attempts), [_attempt_row(o) for o in attempted])
        reasons = [o.disable_reason for o in mine if o.disable_reason]
        if reasons:
            await conn.execute(
                update(subs)
                .where(subs.c.id == subscription_id)
                .values(enabled=False, disabled_reason=reasons[0])
            )


def _update_row(outcome: Outcome) -> dict[str, object]:
    return {
        "b_id": outcome.delivery_id,
        "b_status": outcome.status,
        "b_code": outcome.status_code,
        "b_error": outcome.error,
        "b_ms": outcome.duration_ms,
        "b_counted": 1 if outcome.counts_as_attempt else 0,
        "b_next": outcome.next_attempt_at,
        "b_finished": None if outcome.status == "pending" else outcome.at,
    }


def _attempt_row(outcome: Outcome) -> dict[str, object]:
    return {
        "delivery_id": outcome.delivery_id,
        "at": outcome.at,
        "status_code": outcome.status_code,
        "duration_ms": outcome.duration_ms,
        "error": outcome.error,
    }


async def forget_finished(database: Database, before: dt.datetime) -> int:
    """Delete deliveries that finished before ``before`` (their attempts go with them)."""
    d = deliveries.c
    async with database.write() as conn:
        await relaxed(conn, database)
        old = select(d.id).where(
            d.status.in_(("succeeded", "dead", "skipped")), d.finished_at < before
        )
        await conn.execute(delete(attempts).where(attempts.c.delivery_id.in_(old)))
        result = await conn.execute(delete(deliveries).where(d.id.in_(old)))
    return int(result.rowcount or 0)
