"""Fan-out: change-log rows marked in the outbox → one delivery per matching subscription.

The outbox marker is written by a trigger in the write's own transaction; fan-out moves a
batch of markers to deliveries and deletes them in one transaction, so a crash at any point
loses nothing (the markers stay) and duplicates nothing (the deliveries roll back). Fan-out
is serialised (an advisory lock on PostgreSQL, the write lock on SQLite), which keeps each
subscription's ``sequence`` in change-log order.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, RowMapping, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.codec import decode, encode
from ledgerport.events.access import OwnerLookup, access_error
from ledgerport.events.claims import relaxed
from ledgerport.events.names import event_type, matches
from ledgerport.events.subscriptions import Subscription, subscription_of
from ledgerport.model import Entity, Registry
from ledgerport.query.statements import select_one
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database
from ledgerport.store.rows import stored
from ledgerport.store.system import change_log
from ledgerport.store.webhook_tables import webhook_deliveries as deliveries
from ledgerport.store.webhook_tables import webhook_outbox as outbox
from ledgerport.store.webhook_tables import webhook_subscriptions as subs

__all__ = ["Event", "body_of", "fan_out", "filter_matches"]

_FAN_OUT_LOCK = 7206535
BATCH = 500


@dataclass(frozen=True)
class Event:
    """One change as subscribers see it."""

    type: str
    at: dt.datetime
    company_no: int | None
    resource: str
    key: Mapping[str, object]
    entity: Mapping[str, object] | None
    """Created: the values as written; deleted: None; otherwise the row as it is now."""
    changes: Mapping[str, object] | None = None
    """Updates and actions: the changed fields' new values (from the change log)."""


def body_of(event: Event, sequence: int) -> bytes:
    """The Standard Webhooks body: ``{"type", "timestamp", "data": {...}}``."""
    return encode(
        {
            "type": event.type,
            "timestamp": event.at,
            "data": {
                "companyNo": event.company_no,
                "resource": event.resource,
                "key": dict(event.key),
                "sequence": sequence,
                "entity": None if event.entity is None else dict(event.entity),
                "changes": None if event.changes is None else dict(event.changes),
            },
        }
    )


def _same(a: object, b: object) -> bool:
    numbers = (int, Decimal)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, numbers) and isinstance(b, numbers):
        return Decimal(a) == Decimal(b)
    return encode(a) == encode(b)


def filter_matches(
    filter_: Mapping[str, tuple[object, ...]] | None, values: Mapping[str, object]
) -> bool:
    """Every filtered field is present and equals one of its accepted values."""
    if not filter_:
        return True
    for field, accepted in filter_.items():
        if field not in values:
            return False
        if not any(_same(values[field], value) for value in accepted):
            return False
    return True


class _Entities:
    """The current state of changed rows, read once per fan-out batch."""

    def __init__(self, conn: AsyncConnection, tables: Tables, registry: Registry) -> None:
        self._conn = conn
        self._tables = tables
        self._by_name: dict[str, Entity] = {e.qualified_name: e for e in registry.entities}
        self._cache: dict[tuple[str, int | None, str], Mapping[str, object] | None] = {}

    async def read(
        self, resource: str, company_no: int | None, key: Mapping[str, object]
    ) -> Mapping[str, object] | None:
        entity = self._by_name.get(resource)
        if entity is None:
            return None
        cache_key = (resource, company_no, encode(dict(key)).decode())
        if cache_key not in self._cache:
            values = [key[name] for name in entity.key]
            row = (
                await self._conn.execute(select_one(self._tables, entity, company_no, values))
            ).first()
            self._cache[cache_key] = None if row is None else stored(entity, row).values
        return self._cache[cache_key]


async def _lock(conn: AsyncConnection, database: Database) -> bool:
    if database.is_sqlite:
        return True  # BEGIN IMMEDIATE already holds the one write lock
    got = await conn.scalar(select(func.pg_try_advisory_xact_lock(_FAN_OUT_LOCK)))
    return bool(got)


async def fan_out(
    database: Database,
    tables: Tables,
    registry: Registry,
    owners: OwnerLookup,
    now: dt.datetime,
) -> int:
    """Move one batch of outbox markers to deliveries; the number of markers consumed."""
    async with database.read() as conn:  # no write lock taken when there is nothing to do
        if await conn.scalar(select(outbox.c.seq).limit(1)) is None:
            return 0
    async with database.write() as conn:
        await relaxed(conn, database)
        if not await _lock(conn, database):
            return 0
        marks = (await conn.scalars(select(outbox.c.seq).order_by(outbox.c.seq).limit(BATCH))).all()
        if not marks:
            return 0
        changes = (
            await conn.execute(
                select(change_log).where(change_log.c.seq.in_(marks)).order_by(change_log.c.seq)
            )
        ).all()
        active = [
            subscription_of(r)
            for r in await conn.execute(select(subs).where(subs.c.enabled).order_by(subs.c.id))
        ]
        rows = await _deliveries(conn, changes, active, tables, registry, owners, now)
        if rows:
            await conn.execute(insert(deliveries), rows)
            used: dict[int, int] = {}
            for row in rows:
                sub_id, sequence = row["subscription_id"], row["sequence"]
                assert isinstance(sub_id, int)
                assert isinstance(sequence, int)
                used[sub_id] = sequence + 1
            for sub_id, next_sequence in used.items():
                await conn.execute(
                    update(subs).where(subs.c.id == sub_id).values(next_sequence=next_sequence)
                )
        await conn.execute(delete(outbox).where(outbox.c.seq.in_(marks)))
    return len(marks)


async def _deliveries(
    conn: AsyncConnection,
    changes: Sequence[Row[Any]],
    active: list[Subscription],
    tables: Tables,
    registry: Registry,
    owners: OwnerLookup,
    now: dt.datetime,
) -> list[dict[str, object]]:
    entities = _Entities(conn, tables, registry)
    principals: dict[str, Principal | None] = {}
    sequences = {s.id: s.next_sequence for s in active}
    rows: list[dict[str, object]] = []
    for change in changes:
        m = change._mapping
        resource, company_no = str(m["resource"]), m["company_no"]
        name = event_type(resource, str(m["operation"]))
        key = decode(m["entity_key"])
        event: Event | None = None
        for sub in active:
            if not matches(sub.events, name):
                continue
            if company_no is not None and sub.companies and company_no not in sub.companies:
                continue
            if sub.owner not in principals:
                principals[sub.owner] = await owners(conn, sub.owner)
            if access_error(principals[sub.owner], company_no, resource):
                continue
            if event is None:
                event = await _event(m, name, key, entities)
            if not filter_matches(sub.filter, {**key, **(event.entity or {})}):
                continue
            rows.append(_delivery_row(sub.id, sequences[sub.id], event, m["seq"], now))
            sequences[sub.id] += 1
    return rows


async def _event(m: RowMapping, name: str, key: dict[str, object], entities: _Entities) -> Event:
    """The event of a change-log row. A created row's values are in the log itself (exact,
    even if the row has changed since); other rows are read as they are now."""
    operation, resource, company_no = m["operation"], m["resource"], m["company_no"]
    logged = None if m["changes"] is None else decode(m["changes"])
    if operation == "deleted":
        return Event(name, m["at"], company_no, resource, key, None)
    if operation == "created" and logged is not None:
        return Event(name, m["at"], company_no, resource, key, logged)
    entity = await entities.read(resource, company_no, key)
    return Event(name, m["at"], company_no, resource, key, entity, logged)


def _delivery_row(
    subscription_id: int, sequence: int, event: Event, change_seq: object, now: dt.datetime
) -> dict[str, object]:
    return {
        "subscription_id": subscription_id,
        "message_id": f"msg_{uuid.uuid4().hex}",
        "event_type": event.type,
        "change_seq": change_seq,
        "company_no": event.company_no,
        "sequence": sequence,
        "payload": body_of(event, sequence).decode(),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
