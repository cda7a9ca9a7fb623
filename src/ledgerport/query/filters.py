"""Typed filter and order plans → SQLAlchemy Core expressions (bound parameters only).

Both databases answer alike because nothing is left to their defaults:
- OData's two-valued null rules are spelled out: ``x eq 'a'`` is false for a null ``x``,
  ``x ne 'a'`` true, ``x gt 1`` false, so ``not`` of any of them is what OData says.
- Strings compare and sort in code-point order (``COLLATE "C"`` on PostgreSQL; SQLite's
  BINARY is the same), and ``contains``/``startswith``/``endswith`` are case-sensitive on
  both (no LIKE, whose case rules differ and whose wildcards would need escaping).
- Nulls sort first ascending and last descending on both.
- A field behind a reference is a correlated scalar subquery, so a missing target is null.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    and_,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from ledgerport.model import FieldType, Scope
from ledgerport.plan.query import (
    BoolOp,
    Compare,
    FieldPath,
    Func,
    InList,
    Literal,
    Match,
    Not,
    Op,
    Operand,
    Order,
    Predicate,
)
from ledgerport.query.tables import COMPANY_COLUMN, Tables

__all__ = ["binary", "field_expression", "order_expressions", "predicate_expression"]

Expr = ColumnElement[Any]


class _Binary(ColumnElement[Any]):
    """A string expression compared in code-point order."""

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]

    def __init__(self, expr: Expr) -> None:
        self.expr = expr
        self.type = expr.type


@compiles(_Binary)
def _binary_default(element: _Binary, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.expr, **kw)


@compiles(_Binary, "postgresql")
def _binary_postgresql(element: _Binary, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.expr, **kw)}) COLLATE "C"'


class _Position(ColumnElement[Any]):
    """1-based position of a substring, 0 when absent (``instr`` / ``strpos``)."""

    inherit_cache = True
    _traverse_internals = [
        ("haystack", InternalTraversal.dp_clauseelement),
        ("needle", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, haystack: Expr, needle: Expr) -> None:
        self.haystack = haystack
        self.needle = needle
        self.type = Integer()


@compiles(_Position)
def _position_default(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = (
        compiler.process(element.haystack, **kw),
        compiler.process(element.needle, **kw),
    )
    return f"instr({haystack}, {needle})"


@compiles(_Position, "postgresql")
def _position_postgresql(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = (
        compiler.process(element.haystack, **kw),
        compiler.process(element.needle, **kw),
    )
    return f"strpos({haystack}, {needle})"


def binary(expr: Expr) -> Expr:
    """``expr`` in code-point order when it is a string (ordering and ``lt``/``gt``)."""
    return _Binary(expr)


def field_expression(tables: Tables, table: FromClause, path: FieldPath) -> Expr:
    """The column, or a correlated scalar subquery along the path's references."""
    if not path.hops:
        return table.c[path.field.column]
    hop, rest = path.hops[0], FieldPath(path.hops[1:], path.field)
    target = tables.of(hop.target).alias()
    source_column = table.c[hop.source.by_name[hop.reference.fields[0]].column]
    target_column = target.c[hop.target.by_name[hop.reference.target_fields[0]].column]
    condition = target_column == source_column
    if hop.target.scope is Scope.COMPANY:
        condition = and_(target.c[COMPANY_COLUMN] == table.c[COMPANY_COLUMN], condition)
    inner = field_expression(tables, target, rest)
    return select(inner).where(condition).correlate(table).scalar_subquery()


def predicate_expression(tables: Tables, table: FromClause, predicate: Predicate) -> Expr:
    """A SQL condition that is never NULL (OData's two-valued logic)."""
    match predicate:
        case BoolOp(op="and", operands=operands):
            return and_(*(predicate_expression(tables, table, p) for p in operands))
        case BoolOp(operands=operands):
            return or_(*(predicate_expression(tables, table, p) for p in operands))
        case Not(operand=operand):
            return not_(predicate_expression(tables, table, operand))
        case Compare():
            return _compare(tables, table, predicate)
        case InList(operand=operand, values=values):
            expr = _operand(tables, table, operand)
            return _definite(expr.in_(list(values)), operand, expr)
        case Match():
            return _match(tables, table, predicate)
    raise AssertionError(predicate)


def order_expressions(tables: Tables, table: FromClause, orders: tuple[Order, ...]) -> list[Expr]:
    """ORDER BY terms with explicit collation and null placement.

    Null placement is spelled out only where nulls can occur: ``NULLS FIRST`` on a NOT NULL
    column would keep PostgreSQL from walking the primary key index in order.
    """
    terms: list[Expr] = []
    for order in orders:
        expr = _sortable(field_expression(tables, table, order.path), order.path)
        term = expr.desc() if order.descending else expr.asc()
        if order.path.nullable:
            term = term.nulls_last() if order.descending else term.nulls_first()
        terms.append(term)
    return terms


def _sortable(expr: Expr, path: FieldPath) -> Expr:
    return binary(expr) if path.type is FieldType.STRING else expr


def _operand(tables: Tables, table: FromClause, operand: Operand) -> Expr:
    if isinstance(operand, FieldPath):
        return field_expression(tables, table, operand)
    if isinstance(operand, Func):
        arg = _operand(tables, table, operand.arg)
        if operand.name == "tolower":
            return func.lower(arg)
        if operand.name == "toupper":
            return func.upper(arg)
        return func.length(arg)
    return literal(operand.value)


def _nullable(operand: Operand) -> bool:
    if isinstance(operand, FieldPath):
        return operand.nullable
    if isinstance(operand, Func):
        return _nullable(operand.arg)
    return operand.value is None


def _definite(condition: Expr, operand: Operand, expr: Expr) -> Expr:
    """``condition`` made false (not NULL) when the operand is null."""
    return and_(condition, expr.is_not(None)) if _nullable(operand) else condition


def _compare(tables: Tables, table: FromClause, compare: Compare) -> Expr:
    op, left, right = compare.op, compare.left, compare.right
    if isinstance(left, Literal) and left.value is None:
        left, right = right, left
    if isinstance(right, Literal) and right.value is None:
        expr = _operand(tables, table, left)
        return expr.is_(None) if op is Op.EQ else expr.is_not(None)
    left_expr = _operand_bound(tables, table, left, right)
    right_expr = _operand_bound(tables, table, right, left)
    if op is Op.EQ and (_nullable(left) and _nullable(right)):
        return left_expr.is_not_distinct_from(right_expr)
    if op is Op.NE:
        if _nullable(left) or _nullable(right):
            return left_expr.is_distinct_from(right_expr)
        return left_expr != right_expr
    if _string(left) and op is not Op.EQ:
        left_expr, right_expr = binary(left_expr), binary(right_expr)
    condition = _COMPARE[op](left_expr, right_expr)
    condition = _definite(condition, left, left_expr)
    return _definite(condition, right, right_expr)


def _operand_bound(tables: Tables, table: FromClause, operand: Operand, other: Operand) -> Expr:
    """A literal bound with the type of the field it meets (exact decimals on SQLite)."""
    if isinstance(operand, Literal) and isinstance(other, FieldPath):
        return literal(operand.value, type_=field_expression(tables, table, other).type)
    return _operand(tables, table, operand)


def _string(operand: Operand) -> bool:
    return operand.type is FieldType.STRING


_COMPARE = {
    Op.EQ: lambda a, b: a == b,
    Op.GT: lambda a, b: a > b,
    Op.GE: lambda a, b: a >= b,
    Op.LT: lambda a, b: a < b,
    Op.LE: lambda a, b: a <= b,
}


def _match(tables: Tables, table: FromClause, match: Match) -> Expr:
    expr = _operand(tables, table, match.operand)
    size = len(match.pattern)
    if size == 0:
        condition: Expr = true()
    elif match.kind == "contains":
        condition = _Position(expr, literal(match.pattern)) > 0
    elif match.kind == "startswith":
        condition = func.substr(expr, 1, size) == match.pattern
    else:
        condition = and_(
            func.length(expr) >= size,
            func.substr(expr, func.length(expr) - size + 1) == match.pattern,
        )
    return _definite(condition, match.operand, expr) if size else expr.is_not(None)
