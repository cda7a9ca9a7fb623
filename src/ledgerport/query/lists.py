"""List, count, expansion and change-log statements. Builds SQL; runs none of it.

A page is ``WHERE <filter> AND <after the cursor> ORDER BY <order, key> LIMIT n+1``: the
keyset condition makes page 10,000 cost what page 1 costs, and rows inserted during a walk
neither repeat nor vanish (OData ``$skiptoken``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Table,
    and_,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from ledgerport.model import Entity, FieldType, Scope
from ledgerport.plan.plan import ReadCount, ReadList
from ledgerport.plan.query import Order, Predicate
from ledgerport.query.filters import (
    binary,
    field_expression,
    order_expressions,
    predicate_expression,
)
from ledgerport.query.json import entity_json
from ledgerport.query.statements import AnySelect, entity_columns, kept
from ledgerport.query.tables import COMPANY_COLUMN, Tables

__all__ = [
    "count_rows",
    "keyset_condition",
    "rows_by_keys",
    "rows_matching",
    "select_page",
    "select_page_json",
]

Expr = ColumnElement[Any]


def _scoped(
    tables: Tables, entity: Entity, company_no: int | None, where: Predicate | None
) -> tuple[Table, list[Expr]]:
    table = tables.of(entity)
    conditions: list[Expr] = []
    if entity.scope is Scope.COMPANY:
        conditions.append(table.c[COMPANY_COLUMN] == company_no)
    if where is not None:
        conditions.append(predicate_expression(tables, table, where))
    return table, conditions


def select_page(tables: Tables, plan: ReadList) -> AnySelect:
    """One page in the plan's total order; one row more than the page, to know if more follow."""
    table, conditions = _scoped(tables, plan.entity, plan.company_no, plan.where)
    if plan.paging.after is not None:
        conditions.append(keyset_condition(tables, table, plan.order, plan.paging.after))
    statement = select(*entity_columns(table, plan.entity)).where(*conditions)
    statement = statement.order_by(*order_expressions(tables, table, plan.order))
    return statement.limit(plan.limit + 1).offset(plan.offset or None)


def select_page_json(tables: Tables, plan: ReadList, dialect: str) -> AnySelect:
    """Like ``select_page``, but each row is its JSON text (built by the database) followed
    by its order values (for the next cursor).

    Kept per plan (plans are frozen values): a list asked for again, as integrations poll,
    reuses the statement and the cache key SQLAlchemy memoizes on it.
    """
    return _kept(tables, ("page", plan, dialect), lambda: _page_json(tables, plan, dialect))


STATEMENTS_KEPT = 1000


def _kept(tables: Tables, key: object, build: Callable[[], AnySelect]) -> AnySelect:
    """The statement kept under ``key`` for this registry version, built on first use."""
    cache: OrderedDict[object, AnySelect] = tables.metadata.info.setdefault(
        "statements", OrderedDict()
    )
    found = cache.get(key)
    if found is None:
        found = cache[key] = kept(build())
        if len(cache) > STATEMENTS_KEPT:
            cache.popitem(last=False)
    return found


def _page_json(tables: Tables, plan: ReadList, dialect: str) -> AnySelect:
    table, conditions = _scoped(tables, plan.entity, plan.company_no, plan.where)
    if plan.paging.after is not None:
        conditions.append(keyset_condition(tables, table, plan.order, plan.paging.after))
    order_values = [
        field_expression(tables, table, o.path).label(f"o{i}") for i, o in enumerate(plan.order)
    ]
    statement = (
        select(_json_of(tables, plan, dialect), *order_values)
        .select_from(table)
        .where(*conditions)
        .order_by(*order_expressions(tables, table, plan.order))
    )
    return statement.limit(plan.limit + 1).offset(plan.offset or None)


def _json_of(tables: Tables, plan: ReadList, dialect: str) -> Expr:
    """The row JSON expression, built once per query shape and registry version."""
    selected = None if plan.select is None else tuple(f.name for f in plan.select)
    shape = (plan.entity.scope, plan.entity.resource, selected, tuple(e.name for e in plan.expand))
    cache: dict[object, Expr] = tables.metadata.info.setdefault("json_rows", {})
    key = (shape, dialect)
    found = cache.get(key)
    if found is None:
        table = tables.of(plan.entity)
        found = entity_json(tables, table, plan.entity, plan.select, plan.expand, dialect)
        cache[key] = found
    return found


def count_rows(tables: Tables, plan: ReadList | ReadCount) -> AnySelect:
    entity = plan.entity
    key = ("count", entity.scope, entity.resource, plan.company_no, plan.where)
    return _kept(tables, key, lambda: _count(tables, plan))


def _count(tables: Tables, plan: ReadList | ReadCount) -> AnySelect:
    table, conditions = _scoped(tables, plan.entity, plan.company_no, plan.where)
    return select(func.count()).select_from(table).where(*conditions)


def keyset_condition(
    tables: Tables, table: FromClause, order: tuple[Order, ...], after: Sequence[object]
) -> Expr:
    """Rows strictly after ``after`` in ``order`` (nulls first ascending, last descending)."""
    alternatives: list[Expr] = []
    equal: list[Expr] = []
    for item, value in zip(order, after, strict=True):
        expr = field_expression(tables, table, item.path)
        typed: Expr | None = None if value is None else literal(value, type_=expr.type)
        later: Expr | None
        same: Expr
        if item.path.type is FieldType.STRING:
            expr = binary(expr)
            typed = None if typed is None else binary(typed)
        if typed is None:
            later = expr.is_not(None) if not item.descending else None
            same = expr.is_(None)
        else:
            later = or_(expr < typed, expr.is_(None)) if item.descending else expr > typed
            same = expr == typed
        if later is not None:
            alternatives.append(and_(*equal, later))
        equal.append(same)
    return or_(*alternatives) if alternatives else literal(False)


def rows_matching(
    tables: Tables,
    entity: Entity,
    company_no: int | None,
    field: str,
    values: Sequence[object],
) -> AnySelect:
    """Rows whose ``field`` is one of ``values`` (children or referenced rows), in key order."""
    table = tables.of(entity)
    conditions: list[Expr] = [table.c[entity.by_name[field].column].in_(list(values))]
    if entity.scope is Scope.COMPANY:
        conditions.append(table.c[COMPANY_COLUMN] == company_no)
    order = [table.c[f.column] for f in entity.key_fields]
    return select(*entity_columns(table, entity)).where(*conditions).order_by(*order)


def rows_by_keys(
    tables: Tables, entity: Entity, company_no: int | None, keys: Sequence[tuple[object, ...]]
) -> AnySelect:
    table = tables.of(entity)
    columns = [table.c[f.column] for f in entity.key_fields]
    match: Expr = (
        columns[0].in_([k[0] for k in keys])
        if len(columns) == 1
        else tuple_(*columns).in_([tuple(k) for k in keys])
    )
    conditions: list[Expr] = [match]
    if entity.scope is Scope.COMPANY:
        conditions.append(table.c[COMPANY_COLUMN] == company_no)
    return select(*entity_columns(table, entity)).where(*conditions)
