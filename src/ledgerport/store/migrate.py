"""Bring a database to the current version: system tables by Alembic, model tables by sync.

The model's tables are derived from the registry, so a changed built-in model (or an
extension) needs no hand-written migration: missing tables are created and missing columns
added. Nothing is dropped: data of a removed field stays in its column.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.query.tables import Tables
from ledgerport.store.database import Database
from ledgerport.store.system import meta

__all__ = ["SECRET_KEY", "ensure_secret_key", "migrate", "read_meta"]

SECRET_KEY = "secret_key"  # noqa: S105 - the name of a row, not a secret
_MIGRATIONS = Path(__file__).parent / "migrations"


async def migrate(db: Database, tables: Tables) -> list[str]:
    """Upgrade system tables, then create what the model has and the database lacks.

    Returns a line per change made, for the CLI to print.
    """
    async with db.write() as conn:
        if not db.is_sqlite:
            # One migrator at a time when several processes start together.
            await conn.execute(text("SELECT pg_advisory_xact_lock(7206534)"))
        await conn.run_sync(_upgrade_system)
        changes = await conn.run_sync(_sync_model, tables)
        await ensure_secret_key(conn)
    return changes


def _upgrade_system(conn: Connection) -> None:
    # Alembic is imported where it is used: serving processes never load it (10 MB each).
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _sync_model(conn: Connection, tables: Tables) -> list[str]:
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    inspector = inspect(conn)
    existing = set(inspector.get_table_names())
    changes: list[str] = []
    missing = [t for t in tables.metadata.sorted_tables if t.name not in existing]
    tables.metadata.create_all(conn, tables=missing)
    changes.extend(f"created table {t.name}" for t in missing)
    operations = Operations(MigrationContext.configure(conn))
    for table in tables.metadata.sorted_tables:
        if table.name not in existing:
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            operations.add_column(table.name, _addable(column))
            changes.append(f"added column {table.name}.{column.name}")
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(conn)
                changes.append(f"created index {index.name}")
    return changes


def _addable(column: Column[Any]) -> Column[Any]:
    """A copy of the column that can be added to a table with rows in it."""
    copy = column._copy()
    if not copy.nullable and copy.server_default is None:
        copy.nullable = True
    return copy


async def read_meta(conn: AsyncConnection, name: str) -> str | None:
    return (await conn.execute(select(meta.c.value).where(meta.c.name == name))).scalar()


async def ensure_secret_key(conn: AsyncConnection) -> str:
    """The shared secret of every process (signed cursors, CSRF, encrypted secrets)."""
    found = await read_meta(conn, SECRET_KEY)
    if found is not None:
        return found
    key = secrets.token_urlsafe(48)
    await conn.execute(meta.insert().values(name=SECRET_KEY, value=key))
    return key
