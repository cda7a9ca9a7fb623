"""Entity JSON built by the database, as text, byte for byte alike on SQLite and PostgreSQL.

Python then only joins row texts: no per-row dicts, type conversions or encoding on the read
path. The text is assembled with ``||`` from per-type pieces rather than with
``json_build_object``/``json_object``, because those differ in spacing (PostgreSQL writes
``"a" : 1``), in decimals (SQLite's JSON has no exact decimals: ours are scaled integers
there) and in booleans (SQLite has none). Each piece matches what ``codec.encode`` writes
for the same value: decimals at the field's scale, ``true``/``false``, datetimes as
``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` in UTC, and ``@odata.etag`` as ``Stored.etag``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, func, literal_column, select
from sqlalchemy.sql.selectable import NamedFromClause

from ledgerport.model import Entity, Field, FieldType, Scope
from ledgerport.plan.query import Expand
from ledgerport.query.statements import kept
from ledgerport.query.tables import COMPANY_COLUMN, VERSION_COLUMN, Tables

__all__ = ["datetime_text", "entity_json", "etag_text", "one_json"]

Expr = ColumnElement[Any]


def entity_json(
    tables: Tables,
    table: NamedFromClause,
    entity: Entity,
    fields: tuple[Field, ...] | None,
    expand: tuple[Expand, ...],
    dialect: str,
) -> Expr:
    """The JSON text of one row of ``table`` (an alias or the table itself)."""
    shown = entity.fields if fields is None else fields
    parts = [f"'{{\"@odata.etag\":' || {_etag(table, dialect)}"]
    for field in shown:
        parts.append(f"',\"{field.name}\":' || {_value(table, field, dialect)}")
    sql = " || ".join(parts)
    expr: Expr = literal_column(sql, String())
    for item in expand:
        expr = expr + f',"{item.name}":' + _expanded(tables, table, entity, item, dialect)
    return (expr + "}").label("json")


def etag_text(table: NamedFromClause, dialect: str) -> Expr:
    """The entity's ETag (``"<version>-<created µs hex>"``) as the ``ETag`` header wants it."""
    return literal_column(_etag(table, dialect, json=False), String()).label("etag")


def one_json(tables: Tables, entity: Entity, dialect: str) -> Any:
    """``SELECT json, etag WHERE company = :company AND key = :k0 ...``, built once per entity."""
    cache: dict[object, Any] = tables.metadata.info.setdefault("json_one", {})
    key = (entity.scope, entity.resource, dialect)
    statement = cache.get(key)
    if statement is None:
        table = tables.of(entity)
        conditions = [
            table.c[f.column] == bindparam(f"k{i}", type_=table.c[f.column].type)
            for i, f in enumerate(entity.key_fields)
        ]
        if entity.scope is Scope.COMPANY:
            conditions.append(table.c[COMPANY_COLUMN] == bindparam("company"))
        statement = kept(
            select(entity_json(tables, table, entity, None, (), dialect), etag_text(table, dialect))
            .select_from(table)
            .where(*conditions)
        )
        cache[key] = statement
    return statement


def _col(table: NamedFromClause, column: str) -> str:
    # Names come from the registry (never from a client); quoted so no word is reserved.
    return f'"{table.name}"."{column}"'


def _value(table: NamedFromClause, field: Field, dialect: str) -> str:
    c = _col(table, field.column)
    pg = dialect == "postgresql"
    match field.type:
        case FieldType.STRING | FieldType.DATE:
            quoted = f"to_json({c})::text" if pg else f"json_quote({c})"
            return f"coalesce({quoted}, 'null')"
        case FieldType.INTEGER:
            return f"coalesce(CAST({c} AS TEXT), 'null')"
        case FieldType.BOOLEAN:
            return f"(CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' ELSE 'null' END)"
        case FieldType.DECIMAL:
            if pg:
                return f"coalesce(CAST({c} AS TEXT), 'null')"
            return _sqlite_decimal(c, field.scale)
        case FieldType.DATETIME:
            return f"coalesce('\"' || {datetime_text(c, dialect)} || '\"', 'null')"
    raise AssertionError(field.type)


def _sqlite_decimal(c: str, scale: int) -> str:
    if scale == 0:
        return f"coalesce(CAST({c} AS TEXT), 'null')"
    unit = 10**scale
    zeros = "0" * scale
    return (
        f"(CASE WHEN {c} IS NULL THEN 'null' ELSE "
        f"(CASE WHEN {c} < 0 THEN '-' ELSE '' END) || CAST(abs({c}) / {unit} AS TEXT) || '.' "
        f"|| substr('{zeros}' || CAST(abs({c}) % {unit} AS TEXT), -{scale}) END)"
    )


def datetime_text(c: str, dialect: str) -> str:
    """SQL for the JSON text (unquoted) of the UTC datetime in column expression ``c``."""
    if dialect == "postgresql":
        # One to_char (a third of the cost of three); '.000000' can only be the fraction.
        utc = f"({c} AT TIME ZONE 'UTC')"
        return f"replace(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || 'Z'"
    # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) on SQLite.
    return (
        f"substr({c}, 1, 10) || 'T' || substr({c}, 12, 8) || "
        f"(CASE WHEN substr({c}, 21, 6) IN ('', '000000') THEN '' "
        f"ELSE '.' || substr({c}, 21, 6) END) || 'Z'"
    )


def _etag(table: NamedFromClause, dialect: str, *, json: bool = True) -> str:
    version = f"CAST({_col(table, VERSION_COLUMN)} AS TEXT)"
    created = _col(table, "created_date_time")
    if dialect == "postgresql":
        micros = f"to_hex((extract(epoch FROM {created}) * 1000000)::bigint)"
    else:
        micros = (
            f"printf('%x', CAST(strftime('%s', {created}) AS INTEGER) * 1000000 "
            f"+ CAST(substr({created} || '.000000', 21, 6) AS INTEGER))"
        )
    # In JSON the tag's own quotes are escaped: "@odata.etag":"\"1-5f3a\"".
    opening, closing = ("'\"\\\"'", "'\\\"\"'") if json else ("'\"'", "'\"'")
    return f"{opening} || {version} || '-' || {micros} || {closing}"


def _expanded(
    tables: Tables, parent: NamedFromClause, entity: Entity, item: Expand, dialect: str
) -> Expr:
    target = tables.of(item.target).alias(f"x_{item.name}")
    if item.child is not None:
        pairs = list(item.child.link)
    else:
        assert item.reference is not None
        pairs = list(zip(item.reference.fields, item.reference.target_fields, strict=True))
    conditions: list[Expr] = [
        target.c[item.target.by_name[theirs].column] == parent.c[entity.by_name[ours].column]
        for ours, theirs in pairs
    ]
    if item.target.scope is Scope.COMPANY and entity.scope is Scope.COMPANY:
        conditions.append(target.c[COMPANY_COLUMN] == parent.c[COMPANY_COLUMN])
    inner = entity_json(tables, target, item.target, None, (), dialect)
    if item.child is None:
        one = select(inner).where(and_(*conditions)).correlate(parent).limit(1).scalar_subquery()
        return _coalesce(one, "null")
    keys = [target.c[f.column].label(f"k{i}") for i, f in enumerate(item.target.key_fields)]
    rows = (
        select(inner, *keys)
        .where(and_(*conditions))
        .correlate(parent)
        .order_by(*(target.c[f.column] for f in item.target.key_fields))
        .subquery(f"r_{item.name}")
    )
    if dialect == "postgresql":
        order = ", ".join(f'"r_{item.name}".k{i}' for i in range(len(keys)))
        joined = f"string_agg(\"r_{item.name}\".json, ',' ORDER BY {order})"
    else:
        # SQLite 3.40 has no ORDER BY inside group_concat; it keeps the subquery's order.
        joined = f"group_concat(\"r_{item.name}\".json, ',')"
    aggregated = select(literal_column(f"'[' || {joined} || ']'", String())).select_from(rows)
    return _coalesce(aggregated.scalar_subquery(), "[]")


def _coalesce(expr: Expr, fallback: str) -> Expr:
    return func.coalesce(expr, fallback, type_=String())
