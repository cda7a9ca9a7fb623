"""Engines and transactions: the only place ledgerport talks to its database.

SQLite (embedded default) runs in WAL mode with foreign keys on; every write transaction
starts with ``BEGIN IMMEDIATE`` so two writers never meet at an upgrade (SQLITE_BUSY_SNAPSHOT,
which no busy timeout cures); a lock held past the busy timeout answers 503 with Retry-After.
PostgreSQL sessions run in UTC.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from ledgerport.errors import DatabaseBusy
from ledgerport.store.reads import ConnectionReader, DriverReader, Reader
from ledgerport.store.slots import Slots

__all__ = ["Database", "async_url"]

_WRITE = "ledgerport_write"
SQLITE_BUSY_TIMEOUT_MS = 5000
POOL_SIZES = {"postgresql": 10, "sqlite": 2}
"""Default connections per process. SQLite's two: SQLite work on several threads at once
runs slower, not faster, here (measured with plain sqlite3: two threads ran a page query at
less than half the rate of one; likely SQLite's global allocation mutex), so more reading
connections cost throughput (bench R1 270 -> 379 req/s, W1 353 -> 418 with 2 instead of
10); writes take one at a time anyway."""


def async_url(url: str) -> str:
    """``sqlite:///x.db`` → ``sqlite+aiosqlite:///x.db``; ``postgresql://`` → asyncpg."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    return url


@dataclass(frozen=True)
class Database:
    """One engine and the transaction discipline of its dialect."""

    engine: AsyncEngine
    slots: Slots
    """One per pooled connection: every checkout holds one (first come, first served)."""
    writer: Slots | None = field(default=None, compare=False)
    """SQLite: the one write transaction of this process at a time, in order of arrival."""
    driver: DriverReader | None = field(default=None, compare=False)
    """PostgreSQL: reads outside a caller's transaction run on asyncpg (``reader``)."""

    @classmethod
    def connect(cls, url: str, pool_size: int | None = None) -> Database:
        """``pool_size``: connections of this process, by default ``POOL_SIZES``'s."""
        target = async_url(url)
        if target.startswith("sqlite"):
            pool_size = pool_size or POOL_SIZES["sqlite"]
            engine = create_async_engine(target, pool_size=pool_size, max_overflow=0)
            _sqlite_discipline(engine)
            busy = "The database is busy with other writes; retry shortly."
            writer = Slots(1, wait_seconds=SQLITE_BUSY_TIMEOUT_MS / 1000, busy=busy)
            return cls(engine, Slots(pool_size), writer)
        pool_size = pool_size or POOL_SIZES["postgresql"]
        engine = create_async_engine(
            target,
            pool_size=pool_size,
            # Requests past the pool wait for a connection rather than open (and, on
            # return, close) overflow ones: connection churn cost more than the wait.
            max_overflow=0,
            # No pre-ping: it costs a round trip per request; a connection found dead
            # is invalidated by SQLAlchemy on the error and replaced on the next checkout.
            pool_recycle=1800,
            connect_args={"server_settings": {"timezone": "UTC"}},
        )
        _drop_closed_on_checkout(engine)
        slots = Slots(pool_size)
        return cls(engine, slots, driver=DriverReader(engine, slots))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def read(self, within: AsyncConnection | None = None) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction (deferred on SQLite: readers never wait for writers).

        With ``within``, the caller's open transaction instead (a batch's shared one).
        """
        if within is not None:
            yield within
            return
        async with self._transaction(write=False) as conn:
            yield conn

    @asynccontextmanager
    async def reader(self, within: AsyncConnection | None = None) -> AsyncIterator[Reader]:
        """Where list, entity, count and delta reads run: like ``read``, but on PostgreSQL
        outside a caller's transaction each statement goes straight to the driver."""
        if within is None and self.driver is not None:
            yield self.driver
            return
        async with self.read(within) as conn:
            yield ConnectionReader(conn)

    @asynccontextmanager
    async def write(self, within: AsyncConnection | None = None) -> AsyncIterator[AsyncConnection]:
        """A write transaction; committed when the block ends without an exception.

        With ``within``, the caller's open transaction instead, which the caller commits.
        """
        if within is not None:
            yield within
            return
        async with self._transaction(write=True) as conn:
            yield conn

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[AsyncConnection]:
        writing = self.writer.held() if write and self.writer else contextlib.nullcontext()
        try:
            async with self.slots.held():
                if self.driver is not None:
                    self.driver.unpark_one()
                async with self.engine.connect() as conn:
                    if write:
                        conn = await conn.execution_options(**{_WRITE: True})
                    elif not self.is_sqlite:
                        # READ COMMITTED gives each statement its own snapshot anyway, so a
                        # read needs no BEGIN/COMMIT round trips (SQLite keeps its deferred
                        # transaction: one snapshot for the whole read).
                        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    async with writing, conn.begin():
                        yield conn
        except OperationalError as exc:
            if _is_busy(exc):
                raise DatabaseBusy(
                    "The database is busy with other writes; retry shortly.",
                    headers={"Retry-After": "1"},
                ) from exc
            raise

    async def dispose(self) -> None:
        if self.driver is not None:
            self.driver.unpark()
        await self.engine.dispose()


def _is_busy(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


def _drop_closed_on_checkout(engine: AsyncEngine) -> None:
    """A pooled connection the server has closed (a restart, an administrator's terminate)
    is replaced at checkout instead of failing the request that gets it; asyncpg knows it
    is closed without a round trip (SQLAlchemy's recipe for pessimistic disconnect handling,
    with the driver's own flag in place of a ping)."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(_dbapi: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        driver = record.driver_connection
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the server closed this connection")


def _sqlite_discipline(engine: AsyncEngine) -> None:
    """Take transaction control from the driver so BEGIN is ours (SQLAlchemy's recipe)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
