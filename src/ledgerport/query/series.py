"""Statements of the number series allocator (builds SQL, runs none)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Insert, Table, Update, and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ledgerport.model import Entity
from ledgerport.query.statements import AnySelect
from ledgerport.query.tables import COMPANY_COLUMN, VERSION_COLUMN

__all__ = ["bump_counter", "highest", "insert_counter", "is_taken"]


def insert_counter(dialect: str, table: Table, row: dict[str, Any]) -> Insert:
    """INSERT the counter row unless one exists (a concurrent first use made it)."""
    if dialect == "postgresql":
        return postgresql.insert(table).values(row).on_conflict_do_nothing()
    return sqlite.insert(table).values(row).on_conflict_do_nothing()


def bump_counter(
    table: Table, where: ColumnElement[bool], next_col: str, to_col: str, versioned: bool
) -> Update:
    """``next = next + 1`` while ``next <= to``, RETURNING the new ``next`` (number + 1).

    One statement: the row lock it takes is the only serialisation, per series and company.
    """
    values: dict[str, Any] = {next_col: table.c[next_col] + 1}
    if versioned:
        values[VERSION_COLUMN] = table.c[VERSION_COLUMN] + 1
    return (
        table.update()
        .where(and_(where, table.c[next_col] <= table.c[to_col]))
        .values(values)
        .returning(table.c[next_col])
    )


def highest(table: Table, entity: Entity, column: str, company_no: int) -> AnySelect:
    return select(func.max(table.c[column])).where(table.c[COMPANY_COLUMN] == company_no)


def is_taken(table: Table, column: str, company_no: int, number: int) -> AnySelect:
    return (
        select(table.c[column])
        .where(table.c[COMPANY_COLUMN] == company_no, table.c[column] == number)
        .limit(1)
    )
