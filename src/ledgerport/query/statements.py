"""Plans → parameterised SQLAlchemy Core statements. Builds SQL; runs none of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Delete,
    Executable,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql

from ledgerport.model import Entity, Registry, Scope
from ledgerport.query.tables import COMPANY_COLUMN, VERSION_COLUMN, Tables

AnySelect = Select[*tuple[Any, ...]]
"""A SELECT of any columns."""

KEPT = "ledgerport_kept"
"""Execution option of a statement built once and kept (``kept``)."""

_Kept = TypeVar("_Kept", bound=Executable)


def kept(statement: _Kept) -> _Kept:
    """Mark ``statement`` as built once and kept for reuse, with the values it carries fixed
    for its life: the driver then works out its SQL and parameters once, by identity,
    instead of from its cache key at every run (``store/reads.py``)."""
    return statement.execution_options(**{KEPT: True})


__all__ = [
    "KEPT",
    "AnySelect",
    "company_exists",
    "delete_rows",
    "entity_columns",
    "exists_where",
    "fields_condition",
    "insert_arrays",
    "insert_logged",
    "insert_row",
    "insert_rows",
    "kept",
    "key_condition",
    "match_condition",
    "next_number",
    "select_one",
    "select_where",
    "update_row",
]


def entity_columns(table: Table, entity: Entity) -> list[ColumnElement[object]]:
    """Every field labelled with its JSON name, plus the row version."""
    return [table.c[f.column].label(f.name) for f in entity.fields] + [
        table.c[VERSION_COLUMN].label(VERSION_COLUMN)
    ]


def match_condition(
    table: Table, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> ColumnElement[bool]:
    """``company_no = :c AND field = :v ...`` for the given field values."""
    fields = fields_condition(table, entity, values)
    if entity.scope is Scope.COMPANY:
        return and_(table.c[COMPANY_COLUMN] == company_no, fields)
    return fields


def fields_condition(
    table: Table, entity: Entity, values: Mapping[str, object]
) -> ColumnElement[bool]:
    """``field = :v AND ...`` in every company (for references from company data to sys data)."""
    return and_(
        true(), *(table.c[entity.by_name[name].column] == value for name, value in values.items())
    )


def key_condition(
    table: Table, entity: Entity, company_no: int | None, key: Sequence[object]
) -> ColumnElement[bool]:
    return match_condition(table, entity, company_no, dict(zip(entity.key, key, strict=True)))


def select_where(tables: Tables, entity: Entity, condition: ColumnElement[bool]) -> AnySelect:
    table = tables.of(entity)
    return select(*entity_columns(table, entity)).where(condition)


def select_one(
    tables: Tables,
    entity: Entity,
    company_no: int | None,
    key: Sequence[object],
    *,
    for_update: bool = False,
) -> AnySelect:
    table = tables.of(entity)
    statement = select(*entity_columns(table, entity)).where(
        key_condition(table, entity, company_no, key)
    )
    return statement.with_for_update() if for_update else statement


def company_exists(tables: Tables, registry: Registry) -> AnySelect:
    """``SELECT 1`` when company ``:company`` exists; built once per registry version."""
    cache: dict[str, AnySelect] = tables.metadata.info
    found = cache.get("company_exists")
    if found is None:
        companies = tables.of(registry.entity(Scope.SYS, "companies"))
        condition = companies.c.company_no == bindparam("company")
        found = cache["company_exists"] = exists_where(companies, condition)
    return found


def exists_where(table: Table, condition: ColumnElement[bool]) -> AnySelect:
    return select(literal(1)).select_from(table).where(condition).limit(1)


def next_number(
    tables: Tables,
    entity: Entity,
    company_no: int | None,
    field: str,
    parent_key: Mapping[str, object],
) -> AnySelect:
    """``max(field) + 1`` among rows sharing the leading key fields (1 when there are none)."""
    table = tables.of(entity)
    column = table.c[entity.by_name[field].column]
    return select(func.coalesce(func.max(column), 0) + 1).where(
        match_condition(table, entity, company_no, parent_key)
    )


def _column_values(table: Table, entity: Entity, values: Mapping[str, object]) -> dict[str, object]:
    return {entity.by_name[name].column: value for name, value in values.items()}


def insert_row(
    tables: Tables, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> tuple[Insert, dict[str, object]]:
    """INSERT ... RETURNING the whole entity (both databases support RETURNING), and its
    parameters: the statement is built once per entity, the values travel as parameters."""
    return _insert(tables, entity, many=False), _row(tables, entity, company_no, values)


def insert_rows(
    tables: Tables, entity: Entity, company_no: int | None, rows: Sequence[Mapping[str, object]]
) -> tuple[Insert, list[dict[str, object]]]:
    """One INSERT for many rows of the same fields, RETURNING them in the order given.

    SQLAlchemy sends it as multi-row ``VALUES`` pages ("insertmanyvalues").
    """
    params = [_row(tables, entity, company_no, values) for values in rows]
    return _insert(tables, entity, many=True), params


def insert_logged(
    tables: Tables,
    entity: Entity,
    company_no: int | None,
    values: Mapping[str, object],
    log: Table,
    entry: Mapping[str, object],
) -> tuple[AnySelect, dict[str, object]]:
    """One row and its change-log entry in one statement (PostgreSQL's data-modifying CTE),
    selecting the row as ``insert_row`` returns it; built once per entity and set of fields.

    ``entry``: the change-log row by column name. The statement is atomic: a row that fails
    to insert (duplicate key, missing company) leaves no entry, and an entry that fails
    leaves no row.
    """
    row = _row(tables, entity, company_no, values)
    params = {**row, **{_LOG_PREFIX + name: value for name, value in entry.items()}}
    cache: dict[object, AnySelect] = tables.metadata.info.setdefault("logged_inserts", {})
    key = (entity.scope, entity.resource, tuple(row), tuple(entry))
    found = cache.get(key)
    if found is None:
        table = tables.of(entity)
        created = (
            insert(table)
            .values({name: bindparam(name, type_=table.c[name].type) for name in row})
            .returning(*entity_columns(table, entity))
            .cte("created")
        )
        logged = (
            insert(log)
            .values({n: bindparam(_LOG_PREFIX + n, type_=log.c[n].type) for n in entry})
            .cte("logged")
        )
        found = cache[key] = kept(select(created).add_cte(logged))
    return found, params


_LOG_PREFIX = "log__"
"""Change-log parameters beside the row's columns (snake_case columns never hold ``__``)."""


def insert_arrays(
    tables: Tables, entity: Entity, columns: Sequence[str], log: Table, log_columns: Sequence[str]
) -> str:
    """PostgreSQL: rows given as one array per column (``$1`` .. ``$n``, in ``columns``
    order) and their change-log entries (one array per ``log_columns``, after them), both
    inserted by one statement; built once per entity and set of columns.

    One array parameter per column, however many rows: the statement and its parameters stay
    the same size, and nothing is converted per row on the way in. Nothing comes back: the
    caller knows the rows it sent.
    """
    cache: dict[object, str] = tables.metadata.info.setdefault("array_inserts", {})
    key = (entity.scope, entity.resource, tuple(columns), tuple(log_columns))
    found = cache.get(key)
    if found is None:
        table = tables.of(entity)
        quote = _PG.identifier_preparer.quote
        rows = _arrays(table, columns, 1)
        found = cache[key] = (
            f"WITH created AS (INSERT INTO {quote(table.name)} "
            f"({', '.join(map(quote, columns))}) SELECT * FROM unnest({rows}))"
            f" INSERT INTO {quote(log.name)} ({', '.join(map(quote, log_columns))}) "
            f"SELECT * FROM unnest({_arrays(log, log_columns, len(columns) + 1)})"
        )
    return found


_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def _arrays(table: Table, columns: Sequence[str], first: int) -> str:
    """``$1::INTEGER[], $2::VARCHAR(80)[], ...``: one typed array parameter per column."""
    return ", ".join(
        f"${first + i}::{table.c[name].type.compile(dialect=_PG)}[]"
        for i, name in enumerate(columns)
    )


def _insert(tables: Tables, entity: Entity, *, many: bool) -> Insert:
    cache: dict[object, Insert] = tables.metadata.info.setdefault("inserts", {})
    key = (entity.scope, entity.resource, many)
    found = cache.get(key)
    if found is None:
        table = tables.of(entity)
        columns = entity_columns(table, entity)
        found = cache[key] = insert(table).returning(*columns, sort_by_parameter_order=many)
    return found


def _row(
    tables: Tables, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> dict[str, object]:
    row = _column_values(tables.of(entity), entity, values)
    if entity.scope is Scope.COMPANY:
        row[COMPANY_COLUMN] = company_no
    row[VERSION_COLUMN] = 1
    return row


def update_row(
    tables: Tables,
    entity: Entity,
    company_no: int | None,
    key: Sequence[object],
    values: Mapping[str, object],
) -> Update:
    table = tables.of(entity)
    row: dict[str, object] = _column_values(table, entity, values)
    row[VERSION_COLUMN] = table.c[VERSION_COLUMN] + 1
    return (
        update(table)
        .where(key_condition(table, entity, company_no, key))
        .values(row)
        .returning(*entity_columns(table, entity))
    )


def delete_rows(table: Table, condition: ColumnElement[bool]) -> Delete:
    return delete(table).where(condition)
