"""Idempotency keys: the first answer to a request, kept for replay (``Idempotency-Key``).

A key is claimed in a short transaction of its own (a row with no answer yet and a lease);
the answer is stored inside the write's own transaction, so a committed write always has its
answer and a retry never repeats it. A claim whose lease ran out without an answer belongs to
a request that died before committing: a retry may take it over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Index,
    Integer,
    LargeBinary,
    Row,
    String,
    Table,
    Text,
    and_,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from ledgerport.codec import decode, encode
from ledgerport.errors import IdempotencyInProgress, IdempotencyKeyReused
from ledgerport.query.types import UTCDateTime
from ledgerport.store.system import system_metadata

__all__ = [
    "Answer",
    "Claim",
    "claim",
    "find_answers",
    "finish",
    "idempotency_keys",
    "record_new",
    "release",
]

idempotency_keys = Table(
    "idempotency_keys",
    system_metadata,
    Column("username", String(64), primary_key=True),
    Column("idem_key", String(300), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=True),
    Column("headers", Text, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("lease_until", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_idempotency_keys_expires_at", "expires_at"),
)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes | None


@dataclass(frozen=True)
class Claim:
    replay: Answer | None
    """The stored first answer: send it again and do nothing else."""
    resumed: bool
    """Taken over from a request that died before answering (parts may have committed)."""


async def claim(
    conn: AsyncConnection,
    username: str,
    key: str,
    fingerprint: str,
    now: dt.datetime,
    *,
    ttl: dt.timedelta,
    lease: dt.timedelta,
) -> Claim:
    """Claim ``key`` for a new request, or say what to do instead (replay or refuse)."""
    where = _row(username, key)
    await conn.execute(delete(idempotency_keys).where(where, idempotency_keys.c.expires_at <= now))
    values = {
        "username": username,
        "idem_key": key,
        "fingerprint": fingerprint,
        "lease_until": now + lease,
        "expires_at": now + ttl,
    }
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert
    inserted = await conn.execute(insert(idempotency_keys).values(values).on_conflict_do_nothing())
    if inserted.rowcount == 1:
        return Claim(None, resumed=False)
    query = select(idempotency_keys).where(where)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).one_or_none()
    if row is None:  # expired and removed by a concurrent claim meanwhile
        raise IdempotencyInProgress(_in_progress(key), headers={"Retry-After": "1"})
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency key {key!r} was used for a different request; use a new key."
        )
    if row.status is not None:
        return Claim(_answer(row), resumed=False)
    if row.lease_until > now:
        retry = max(1, int((row.lease_until - now).total_seconds()))
        raise IdempotencyInProgress(_in_progress(key), headers={"Retry-After": str(retry)})
    await conn.execute(update(idempotency_keys).where(where).values(lease_until=now + lease))
    return Claim(None, resumed=True)


async def finish(conn: AsyncConnection, username: str, key: str, answer: Answer) -> None:
    """Store the answer (in the transaction whose work it reports)."""
    await conn.execute(
        update(idempotency_keys)
        .where(_row(username, key))
        .values(status=answer.status, headers=encode(answer.headers).decode(), body=answer.body)
    )


async def record_new(
    conn: AsyncConnection,
    username: str,
    answers: Sequence[tuple[str, Answer]],
    fingerprint: str,
    expires_at: dt.datetime,
) -> None:
    """Store sub-answers that had no claim of their own (a batch's requests, each under its
    part of the batch's key), in one statement."""
    await conn.execute(
        idempotency_keys.insert(),
        [
            {
                "username": username,
                "idem_key": key,
                "fingerprint": fingerprint,
                "status": answer.status,
                "headers": encode(answer.headers).decode(),
                "body": answer.body,
                "lease_until": expires_at,
                "expires_at": expires_at,
            }
            for key, answer in answers
        ],
    )


async def find_answers(
    conn: AsyncConnection, username: str, keys: Sequence[str], fingerprint: str
) -> dict[str, Answer]:
    """The stored answers under ``keys``; IdempotencyKeyReused when one answered another
    request."""
    found: dict[str, Answer] = {}
    statement = select(idempotency_keys).where(
        idempotency_keys.c.username == username, idempotency_keys.c.idem_key.in_(keys)
    )
    for row in await conn.execute(statement):
        if row.status is None:
            continue
        if row.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                f"Idempotency key {row.idem_key!r} was used for a different request; use a new key."
            )
        found[row.idem_key] = _answer(row)
    return found


async def release(conn: AsyncConnection, username: str, key: str) -> None:
    """Give up an unanswered claim (the request failed and changed nothing)."""
    await conn.execute(
        delete(idempotency_keys).where(_row(username, key), idempotency_keys.c.status.is_(None))
    )


def _answer(row: Row[Any]) -> Answer:
    headers = tuple((str(n), str(v)) for n, v in decode(row.headers or "[]"))
    return Answer(row.status, headers, row.body)


def _row(username: str, key: str) -> ColumnElement[bool]:
    return and_(idempotency_keys.c.username == username, idempotency_keys.c.idem_key == key)


def _in_progress(key: str) -> str:
    return f"A request with idempotency key {key!r} is still running; retry when it has answered."
