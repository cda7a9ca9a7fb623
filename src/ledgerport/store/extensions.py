"""Data model extensions in the database: their definitions, their DDL, the model version.

Every change runs in one transaction: the definition row, the ``ALTER TABLE`` / ``CREATE
TABLE`` (transactional on both databases) and the new ``registry_version``. On PostgreSQL the
DDL waits at most ``DDL_LOCK_TIMEOUT`` for its lock, so a busy table makes the change fail with
a clear 503 instead of stalling every request queued behind it. Each process notices a new
version by polling it (see ``RegistryWatcher``) and rebuilds its registry from the rows here.

A removed field keeps its data: its column is renamed ``dme_removed_<id>`` and its definition
is kept as removed, so it can be restored until it is purged (the column dropped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import decode, encode
from ledgerport.errors import DatabaseBusy
from ledgerport.model import Entity, FieldType, Scope
from ledgerport.model.extensions import FieldDefinition, TableDefinition, to_field
from ledgerport.query.tables import Tables, column_type
from ledgerport.query.types import UTCDateTime
from ledgerport.store.system import meta, system_metadata

__all__ = [
    "DDL_LOCK_TIMEOUT",
    "StoredExtensions",
    "add_field",
    "add_table",
    "change_field",
    "drop_table",
    "load",
    "purge_field",
    "read_version",
    "remove_field",
    "restore_field",
]

DDL_LOCK_TIMEOUT = "3s"
REGISTRY_VERSION = "registry_version"

dme_fields = Table(
    "dme_fields",
    system_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(10), nullable=False),
    Column("resource", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("type", String(10), nullable=False),
    Column("length", Integer, nullable=True),
    Column("precision", Integer, nullable=False),
    Column("scale", Integer, nullable=False),
    Column("nullable", Boolean, nullable=False),
    Column("default_json", Text, nullable=True),
    Column("label", String(200), nullable=False),
    Column("column_name", String(64), nullable=False),
    Column("removed", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

dme_tables = Table(
    "dme_tables",
    system_metadata,
    Column("resource", String(64), primary_key=True),
    Column("title", String(100), nullable=False),
    Column("key_json", Text, nullable=False),
    Column("description", String(500), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)


@dataclass(frozen=True)
class StoredExtensions:
    version: int
    tables: tuple[TableDefinition, ...]
    fields: tuple[FieldDefinition, ...]
    """Active fields only."""


@dataclass(frozen=True)
class RemovedField:
    id: int
    definition: FieldDefinition


async def read_version(conn: AsyncConnection) -> int:
    value = (
        await conn.execute(select(meta.c.value).where(meta.c.name == REGISTRY_VERSION))
    ).scalar()
    return int(value) if value is not None else 1


async def load(conn: AsyncConnection) -> StoredExtensions:
    version = await read_version(conn)
    table_rows = await conn.execute(select(dme_tables).order_by(dme_tables.c.created_at))
    tables = tuple(
        TableDefinition(r.resource, r.title, tuple(decode(r.key_json)), r.description)
        for r in table_rows
    )
    field_rows = await conn.execute(
        select(dme_fields).where(dme_fields.c.removed.is_(False)).order_by(dme_fields.c.id)
    )
    return StoredExtensions(version, tables, tuple(_definition(r) for r in field_rows))


async def find_removed(
    conn: AsyncConnection, scope: Scope, resource: str, name: str
) -> RemovedField | None:
    row = (
        await conn.execute(
            select(dme_fields)
            .where(
                dme_fields.c.scope == scope.value,
                dme_fields.c.resource == resource,
                dme_fields.c.name == name,
                dme_fields.c.removed.is_(True),
            )
            .order_by(dme_fields.c.id.desc())
            .limit(1)
        )
    ).one_or_none()
    return None if row is None else RemovedField(row.id, _definition(row))


def _definition(row: Any) -> FieldDefinition:
    return FieldDefinition(
        scope=Scope(row.scope),
        resource=row.resource,
        name=row.name,
        type=FieldType(row.type),
        length=row.length,
        precision=row.precision,
        scale=row.scale,
        nullable=row.nullable,
        default=_typed_default(FieldType(row.type), row.default_json),
        label=row.label,
        column=row.column_name,
    )


def _typed_default(kind: FieldType, stored: str | None) -> object:
    if stored is None:
        return None
    value = decode(stored)
    if kind is FieldType.DATE:
        return dt.date.fromisoformat(value)
    if kind is FieldType.DATETIME:
        return dt.datetime.fromisoformat(value)
    return value


async def add_field(
    conn: AsyncConnection, tables: Tables, entity: Entity, definition: FieldDefinition
) -> int:
    """ALTER TABLE ... ADD COLUMN with the default for existing rows; returns the new version."""
    table = tables.of(entity)
    field = to_field(definition)
    column = Column(field.column, column_type(field), nullable=True)
    await _lock_timeout(conn)
    ddl = f"ALTER TABLE {_quote(conn, table.name)} ADD COLUMN {_column_ddl(conn, column)}"
    if definition.default is not None:
        # Existing rows read the default: instant on PostgreSQL 11+ and on SQLite.
        default = literal(definition.default, column.type).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
        ddl += f" DEFAULT {default}"
    await _ddl(conn, ddl)
    await conn.execute(insert(dme_fields).values(**_row(definition, field.column)))
    return await _bump(conn)


async def change_field(
    conn: AsyncConnection, tables: Tables, entity: Entity, definition: FieldDefinition
) -> int:
    """Label, default or a longer string: the row, and the column type for a length."""
    old = entity.by_name[definition.name]
    if definition.length != old.length and conn.dialect.name == "postgresql":
        table = tables.of(entity)
        await _lock_timeout(conn)
        await _ddl(
            conn,
            f"ALTER TABLE {_quote(conn, table.name)} ALTER COLUMN {_quote(conn, old.column)} "
            f"TYPE VARCHAR({definition.length})",
        )
    await conn.execute(
        update(dme_fields)
        .where(*_active(definition))
        .values(
            length=definition.length,
            label=definition.label,
            default_json=_default_json(definition.default),
        )
    )
    return await _bump(conn)


async def remove_field(
    conn: AsyncConnection, tables: Tables, entity: Entity, definition: FieldDefinition
) -> int:
    """Hide the field; its column is renamed and kept until purged."""
    row_id = (await conn.execute(select(dme_fields.c.id).where(*_active(definition)))).scalar_one()
    kept = f"dme_removed_{row_id}"
    await _lock_timeout(conn)
    await _ddl(
        conn,
        f"ALTER TABLE {_quote(conn, tables.of(entity).name)} RENAME COLUMN "
        f"{_quote(conn, definition.column)} TO {_quote(conn, kept)}",
    )
    await conn.execute(
        update(dme_fields).where(dme_fields.c.id == row_id).values(removed=True, column_name=kept)
    )
    return await _bump(conn)


async def restore_field(
    conn: AsyncConnection, tables: Tables, entity: Entity, removed: RemovedField
) -> int:
    column = to_field(removed.definition).column
    await _lock_timeout(conn)
    await _ddl(
        conn,
        f"ALTER TABLE {_quote(conn, tables.of(entity).name)} RENAME COLUMN "
        f"{_quote(conn, removed.definition.column)} TO {_quote(conn, column)}",
    )
    await conn.execute(
        update(dme_fields)
        .where(dme_fields.c.id == removed.id)
        .values(removed=False, column_name=column)
    )
    return await _bump(conn)


async def purge_field(
    conn: AsyncConnection, tables: Tables, entity: Entity, removed: RemovedField
) -> int:
    await _lock_timeout(conn)
    await _ddl(
        conn,
        f"ALTER TABLE {_quote(conn, tables.of(entity).name)} DROP COLUMN "
        f"{_quote(conn, removed.definition.column)}",
    )
    await conn.execute(delete(dme_fields).where(dme_fields.c.id == removed.id))
    return await _bump(conn)


async def add_table(
    conn: AsyncConnection,
    tables: Tables,
    table: TableDefinition,
    fields: Sequence[FieldDefinition],
) -> int:
    """CREATE TABLE from the registry that has it (``tables`` is built from that one)."""
    await _lock_timeout(conn)
    created = tables.by_entity[(Scope.COMPANY, table.resource)]
    try:
        await conn.run_sync(lambda sync: created.create(sync))
    except DBAPIError as exc:
        raise _busy_or(exc) from exc
    await conn.execute(
        insert(dme_tables).values(
            resource=table.resource,
            title=table.title,
            key_json=encode(list(table.key)).decode(),
            description=table.description,
            created_at=_now(),
        )
    )
    for definition in fields:
        await conn.execute(
            insert(dme_fields).values(**_row(definition, to_field(definition).column))
        )
    return await _bump(conn)


async def drop_table(conn: AsyncConnection, tables: Tables, entity: Entity) -> int:
    await _lock_timeout(conn)
    dropped = tables.of(entity)
    try:
        await conn.run_sync(lambda sync: dropped.drop(sync))
    except DBAPIError as exc:
        raise _busy_or(exc) from exc
    await conn.execute(delete(dme_tables).where(dme_tables.c.resource == entity.resource))
    await conn.execute(
        delete(dme_fields).where(
            dme_fields.c.scope == Scope.COMPANY.value, dme_fields.c.resource == entity.resource
        )
    )
    return await _bump(conn)


async def count_rows(conn: AsyncConnection, tables: Tables, entity: Entity) -> int:
    table = tables.of(entity)
    return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


# Helpers ----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _row(definition: FieldDefinition, column: str) -> dict[str, object]:
    return {
        "scope": definition.scope.value,
        "resource": definition.resource,
        "name": definition.name,
        "type": definition.type.value,
        "length": definition.length,
        "precision": definition.precision,
        "scale": definition.scale,
        "nullable": definition.nullable,
        "default_json": _default_json(definition.default),
        "label": definition.label,
        "column_name": column,
        "removed": False,
        "created_at": _now(),
    }


def _default_json(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return encode(value.isoformat()).decode()
    return encode(value).decode()


def _active(definition: FieldDefinition) -> tuple[Any, ...]:
    return (
        dme_fields.c.scope == definition.scope.value,
        dme_fields.c.resource == definition.resource,
        dme_fields.c.name == definition.name,
        dme_fields.c.removed.is_(False),
    )


async def _bump(conn: AsyncConnection) -> int:
    """The next registry version, taken under the row's lock (serialises model changes)."""
    version = await read_version(conn) + 1
    updated = await conn.execute(
        update(meta).where(meta.c.name == REGISTRY_VERSION).values(value=str(version))
    )
    if updated.rowcount == 0:
        await conn.execute(insert(meta).values(name=REGISTRY_VERSION, value=str(version)))
    return version


async def lock_model(conn: AsyncConnection) -> None:
    """One model change at a time across processes (taken first in the change's transaction)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(7206535)"))


async def _lock_timeout(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(text(f"SET LOCAL lock_timeout = '{DDL_LOCK_TIMEOUT}'"))


async def _ddl(conn: AsyncConnection, statement: str) -> None:
    try:
        await conn.execute(text(statement))
    except DBAPIError as exc:
        raise _busy_or(exc) from exc


def _busy_or(exc: DBAPIError) -> Exception:
    message = str(exc.orig).lower()
    if "lock timeout" in message or "lock_timeout" in message or "locked" in message:
        return DatabaseBusy(
            "The table is busy; the data model change was not made. Retry shortly.",
            headers={"Retry-After": "2"},
        )
    return exc


def _quote(conn: AsyncConnection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _column_ddl(conn: AsyncConnection, column: Column[Any]) -> str:
    return f"{_quote(conn, column.name)} {column.type.compile(dialect=conn.dialect)}"
