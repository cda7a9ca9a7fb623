"""PostgreSQL: many rows and their change-log entries written by one statement of arrays.

SQLAlchemy converts every value of a multi-row INSERT in Python; here each column travels as
one array parameter (bind processors applied once per value, encoding left to asyncpg) on
the driver connection under the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

from ledgerport.model import Entity
from ledgerport.query.statements import insert_arrays
from ledgerport.query.tables import Tables
from ledgerport.store.system import change_log

__all__ = ["insert_logged_rows"]


async def insert_logged_rows(
    conn: AsyncConnection,
    tables: Tables,
    entity: Entity,
    rows: Sequence[Mapping[str, object]],
    entries: Sequence[Mapping[str, object]],
) -> None:
    """Insert ``rows`` (by column, all with the same columns) and their change-log
    ``entries`` (by column) in ``conn``'s open transaction; nothing is returned."""
    columns, log_columns = list(rows[0]), list(entries[0])
    dialect, table, log = conn.dialect, tables.of(entity), change_log.c
    args = [_array(table.c[c].type, dialect, [r[c] for r in rows]) for c in columns]
    args += [_array(log[c].type, dialect, [e[c] for e in entries]) for c in log_columns]
    statement = insert_arrays(tables, entity, columns, change_log, log_columns)
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    if not driver.is_in_transaction():
        raise RuntimeError("insert_logged_rows needs the connection's transaction to be open")
    await driver.execute(statement, *args)


def _array(type_: TypeEngine[Any], dialect: Dialect, values: list[object]) -> list[object]:
    process = type_.bind_processor(dialect)
    return values if process is None else [process(v) for v in values]
