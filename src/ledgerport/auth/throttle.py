"""Throttling: failed logins per (user, address), and request rates per user or client.

Both are shared by every process through the database on PostgreSQL. Request counts use
fixed one-minute windows; each process claims a block of the window's allowance at a time
(one upsert per block, not per request), so the limit holds across processes to within a
block. On SQLite (one process) the counts are kept in memory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ledgerport.errors import RateLimited
from ledgerport.store.auth_tables import login_failures, request_counts
from ledgerport.store.database import Database

__all__ = [
    "DatabaseCounters",
    "LoginGuard",
    "MemoryCounters",
    "RateLimiter",
    "failure_delay",
]

WINDOW_SECONDS = 60


def failure_delay(failures: int) -> float:
    """Seconds a failed login waits before its answer: 0.25, 0.5, 1, 2, then 2."""
    return float(min(0.25 * 2 ** max(failures - 1, 0), 2.0))


class LoginGuard:
    """Slows failed logins and then locks the (user, address) pair out for a while.

    Keyed by user and address together, so a stranger elsewhere cannot lock a user out.
    """

    def __init__(
        self,
        database: Database,
        *,
        failures_before_lockout: int,
        lockout_seconds: int,
        clock: Callable[[], dt.datetime],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._db = database
        self._limit = failures_before_lockout
        self._lockout = dt.timedelta(seconds=lockout_seconds)
        self._clock = clock
        self._sleep = sleep

    async def check(self, username: str, address: str) -> bool:
        """Raise RateLimited while this user is locked out from this address; else whether
        failures are on record (so a success need not write when there are none)."""
        async with self._db.read() as conn:
            row = (
                await conn.execute(
                    select(login_failures.c.locked_until).where(
                        login_failures.c.username == username[:64],
                        login_failures.c.address == address[:64],
                    )
                )
            ).first()
        now = self._clock()
        if row is not None and row.locked_until is not None and row.locked_until > now:
            wait = math.ceil((row.locked_until - now).total_seconds())
            raise RateLimited(
                f"Too many failed logins for {username} from this address; "
                f"try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        return row is not None

    async def failed(self, username: str, address: str) -> None:
        """Count a failure (locking out at the limit), then wait before answering."""
        now = self._clock()
        key = {"username": username[:64], "address": address[:64]}
        async with self._db.write() as conn:
            insert = (pg_insert if not self._db.is_sqlite else sqlite_insert)(login_failures)
            statement = insert.values(**key, failures=1, last_failure=now).on_conflict_do_update(
                index_elements=["username", "address"],
                set_={"failures": login_failures.c.failures + 1, "last_failure": now},
            )
            await conn.execute(statement)
            failures = (
                await conn.execute(
                    select(login_failures.c.failures).where(
                        login_failures.c.username == key["username"],
                        login_failures.c.address == key["address"],
                    )
                )
            ).scalar_one()
            if failures >= self._limit:
                await conn.execute(
                    login_failures.update()
                    .where(
                        login_failures.c.username == key["username"],
                        login_failures.c.address == key["address"],
                    )
                    .values(locked_until=now + self._lockout, failures=0)
                )
        await self._sleep(failure_delay(failures))

    async def succeeded(self, username: str, address: str) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                delete(login_failures).where(
                    login_failures.c.username == username[:64],
                    login_failures.c.address == address[:64],
                )
            )


class Counters(Protocol):
    async def add(self, subject: str, window: int, amount: int) -> int:
        """Add ``amount`` to the subject's count in ``window``; the new total."""
        ...


class MemoryCounters:
    """One process's counts (SQLite: one process serves)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}

    async def add(self, subject: str, window: int, amount: int) -> int:
        if len(self._counts) > 100_000:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
        total = self._counts.get((subject, window), 0) + amount
        self._counts[(subject, window)] = total
        return total


class DatabaseCounters:
    """Counts in PostgreSQL, shared by every process (one upsert per claimed block)."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._claims = 0

    async def add(self, subject: str, window: int, amount: int) -> int:
        statement = (
            pg_insert(request_counts)
            .values(subject=subject[:140], window=window, count=amount)
            .on_conflict_do_update(
                index_elements=["subject", "window"],
                set_={"count": request_counts.c.count + amount},
            )
            .returning(request_counts.c.count)
        )
        async with self._db.write() as conn:
            # A count lost in a crash costs nothing; waiting for the WAL flush costs every
            # request that waits for this block.
            await conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            total = (await conn.execute(statement)).scalar_one()
            self._claims += 1
            if self._claims % 200 == 0:
                await conn.execute(delete(request_counts).where(request_counts.c.window < window))
        return int(total)


@dataclass
class _Block:
    window: int
    remaining: int


BLOCK_MAX = 500
"""Most requests one process counts locally before it adds them to the shared count (a block
is 1/20 of the allowance: 60 at the default 1,200 a minute; 500 from 10,000 a minute, where a
process that stops loses at most 5 % of the minute and a busy one writes once per 500)."""


class RateLimiter:
    """At most ``per_minute`` requests per subject and one-minute window."""

    def __init__(
        self, counters: Counters, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._counters = counters
        self._limit = per_minute
        # Each process takes the shared count in small blocks: one database round trip per
        # block, and a process that stops loses at most one block of the minute's quota.
        self._block = max(1, min(per_minute // 20, BLOCK_MAX))
        self._clock = clock
        self._blocks: dict[str, _Block] = {}
        self._refills: dict[str, asyncio.Future[None]] = {}

    async def hit(self, subject: str) -> None:
        """Count one request; raise RateLimited (429 with Retry-After) past the limit."""
        while True:
            window = int(self._clock() // WINDOW_SECONDS)
            block = self._blocks.get(subject)
            if block is not None and block.window == window and block.remaining > 0:
                block.remaining -= 1
                return
            # One refill per subject at a time: the requests that find the block empty
            # together wait for the same upsert instead of queueing on its row lock.
            refill = self._refills.get(subject)
            if refill is None:
                refill = asyncio.ensure_future(self._refill(subject, window))
                self._refills[subject] = refill
            await asyncio.shield(refill)

    async def _refill(self, subject: str, window: int) -> None:
        try:
            total = await self._counters.add(subject, window, self._block)
        finally:
            del self._refills[subject]  # before waiters wake: they must not find it done
        granted = min(self._block, self._limit - (total - self._block))
        if granted <= 0:
            reset = max(1, math.ceil((window + 1) * WINDOW_SECONDS - self._clock()))
            raise RateLimited(
                f"More than {self._limit} requests a minute; retry in {reset} seconds.",
                headers={
                    "Retry-After": str(reset),
                    "RateLimit-Limit": str(self._limit),
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": str(reset),
                    "RateLimit-Policy": f"{self._limit};w={WINDOW_SECONDS}",
                },
            )
        if len(self._blocks) > 100_000:
            self._blocks.clear()
        self._blocks[subject] = _Block(window, granted)
