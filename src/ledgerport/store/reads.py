"""Where list, entity, count and delta reads run: a connection's transaction, or the driver.

Reads outside a caller's transaction on PostgreSQL run straight on asyncpg. SQLAlchemy
still builds each statement and compiles it once per shape (the same cache key it uses
itself), but the execution (pool checkout, execution context, result wrapping) is
asyncpg's alone: about 150 µs less per read, on the path most integration traffic takes.
Statements the shortcut cannot run (expanding ``IN`` lists, uncacheable ones) go through
SQLAlchemy as before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from ledgerport.errors import DatabaseBusy
from ledgerport.query.statements import KEPT
from ledgerport.store.slots import Slots

__all__ = ["ConnectionReader", "DriverReader", "Reader"]

Rows = Sequence[Sequence[Any]]


class Reader(Protocol):
    @property
    def dialect(self) -> str: ...

    async def rows(
        self,
        statement: Executable,
        params: Mapping[str, object] | None = None,
        *,
        again: bool = True,
    ) -> Rows: ...


@dataclass(frozen=True)
class ConnectionReader:
    """Reads in an open SQLAlchemy connection (SQLite, or a caller's transaction)."""

    conn: AsyncConnection

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    async def rows(
        self,
        statement: Executable,
        params: Mapping[str, object] | None = None,
        *,
        again: bool = True,
    ) -> Rows:
        del again  # inside a caller's transaction: a lost connection ends it
        return (await self.conn.execute(statement, params)).all()


@dataclass(frozen=True)
class _Shape:
    compiled: SQLCompiler
    sql: str
    binds: tuple[tuple[str, Any], ...]
    """Each positional parameter's name and SQLAlchemy's bind processor for it, or None."""


_Fixed = tuple[_Shape, dict[str, Any]]
"""A kept statement's shape and the values its own bind parameters carry."""


class DriverReader:
    """PostgreSQL statements on asyncpg, each on a connection of the engine's pool
    (autocommit): reads, and writes that are one statement (``mutations.create_alone``)."""

    dialect = "postgresql"

    def __init__(self, engine: AsyncEngine, slots: Slots, shapes: int = 500) -> None:
        self._engine = engine
        self._slots = slots
        self._shapes: OrderedDict[object, _Shape | None] = OrderedDict()
        self._kept: OrderedDict[int, tuple[ClauseElement, _Fixed | None]] = OrderedDict()
        """Kept statements (``query.statements.kept``) by identity, each held alive here."""
        self._limit = shapes
        self._parked: list[PoolProxiedConnection] = []
        """Connections between driver statements, kept checked out of the pool: the
        checkout and return cost more than the statement itself. Each is given back
        (``unpark_one``) before any other checkout, so the pool never runs short."""

    async def rows(
        self,
        statement: Executable,
        params: Mapping[str, object] | None = None,
        *,
        again: bool = True,
    ) -> Rows:
        """``again``: run the statement once more on a new connection when the connection
        is found lost mid-statement (reads); False for a write, answered 503 instead."""
        assert isinstance(statement, ClauseElement)
        if statement._execution_options.get(KEPT):
            found = self._kept.get(id(statement))
            if found is None or found[0] is not statement:
                found = self._keep(statement)
            fixed = found[1]
            if fixed is not None:
                own = fixed[1]
                given = {**own, **params} if params else own
                return await self._fetch(fixed[0], given, again=again)
        key = statement._generate_cache_key()
        shape = None if key is None else self._shape(key, statement)
        if key is None or shape is None:
            async with self._slots.held():
                self.unpark_one()
                async with self._engine.connect() as conn:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    return (await conn.execute(statement, params)).all()
        values = shape.compiled.construct_params(
            dict(params) if params else None,
            escape_names=False,
            extracted_parameters=key.bindparams,
        )
        assert values is not None
        return await self._fetch(shape, values, again=again)

    def _keep(self, statement: ClauseElement) -> tuple[ClauseElement, _Fixed | None]:
        """A kept statement's shape and the values it carries itself, worked out once."""
        key = statement._generate_cache_key()
        shape = None if key is None else self._shape(key, statement)
        fixed = None
        if key is not None and shape is not None:
            defaults = shape.compiled.construct_params(
                escape_names=False, extracted_parameters=key.bindparams, _check=False
            )
            assert defaults is not None
            fixed = (shape, dict(defaults))
        found = self._kept[id(statement)] = (statement, fixed)
        if len(self._kept) > self._limit:
            self._kept.popitem(last=False)
        return found

    async def _fetch(self, shape: _Shape, values: Mapping[str, Any], *, again: bool) -> Rows:
        args = [p(values[n]) if p is not None else values[n] for n, p in shape.binds]
        async with self._slots.held():
            while True:
                fairy = await self._connection()
                driver = fairy.driver_connection
                assert driver is not None
                try:
                    records: Rows = await driver.fetch(shape.sql, *args)
                except BaseException as exc:
                    lost = driver.is_closed() or isinstance(
                        exc, asyncpg.PostgresConnectionError | OSError
                    )
                    if isinstance(exc, asyncpg.PostgresError) and not lost:
                        # The server refused the statement (a violated constraint, say):
                        # the connection is fine, and in autocommit no transaction is open.
                        self._parked.append(fairy)
                        raise
                    # Lost or cancelled mid-statement: its state is unknown, so it leaves
                    # the pool. A lost one may mean the server restarted: the parked go too.
                    fairy.invalidate()
                    fairy.close()
                    if not lost:
                        raise
                    self.unpark(invalidate=True)
                    if again:  # a read: once more, on a new connection
                        again = False
                        continue
                    raise DatabaseBusy(
                        "The connection to the database was lost; retry shortly.",
                        headers={"Retry-After": "1"},
                    ) from exc
                self._parked.append(fairy)
                return records

    async def _connection(self) -> PoolProxiedConnection:
        """A parked connection that is still open, or one from the pool."""
        while self._parked:
            fairy = self._parked.pop()
            driver = fairy.driver_connection
            if driver is not None and not driver.is_closed():
                return fairy
            fairy.invalidate()
            fairy.close()
        return await self._engine.raw_connection()

    def unpark(self, *, invalidate: bool = False) -> None:
        """Give the parked connections back to the pool (or drop them)."""
        while self._parked:
            fairy = self._parked.pop()
            if invalidate:
                fairy.invalidate()
            fairy.close()

    def unpark_one(self) -> None:
        """Give one parked connection back to the pool: called, holding a slot, before a
        checkout from the pool, so that the checkout finds a connection free."""
        if self._parked:
            self._parked.pop(0).close()

    def shapes(self) -> list[str]:
        """The SQL of the shapes compiled so far that run on the driver."""
        return [s.compiled.string for s in self._shapes.values() if s is not None]

    def _shape(self, cache_key: CacheKey, statement: ClauseElement) -> _Shape | None:
        key = cache_key.key
        if key in self._shapes:
            self._shapes.move_to_end(key)
            return self._shapes[key]
        # Compiled with its cache key, as SQLAlchemy compiles for its own cache, so later
        # statements of the same shape bring their values in (``extracted_parameters``).
        dialect = self._engine.dialect
        compiled = dialect.statement_compiler(dialect, statement, cache_key=cache_key)
        shape = None
        if (
            isinstance(compiled, SQLCompiler)
            and compiled.positiontup is not None
            and not (compiled.literal_execute_params or compiled.post_compile_params)
        ):
            processors = compiled._bind_processors
            binds = tuple((n, processors.get(n)) for n in compiled.positiontup)
            shape = _Shape(compiled, compiled.string, binds)
        self._shapes[key] = shape
        if len(self._shapes) > self._limit:
            self._shapes.popitem(last=False)
        return shape
