"""Number series: which fields get a number, and the allocator that hands them out.

Each company has a default interval per series field (the ``numberseries`` resource, made
with ``nextNo`` past the highest number in use on first use); a user's own intervals (its
settings' ``number_series``) override it for that user. A number is taken by one UPDATE of
the counter row (``next = next + 1 ... RETURNING``), and numbers already taken (an explicit
value, an overlapping interval) are skipped; the unique index on every series field is the
last word.

Gapless series (invoices, vouchers) take their counter inside the transaction that uses the
number, as late as possible, so a rollback gives the number back. Other series are reserved
in a short transaction of their own before the write (``reserve``), so creates of a company
never queue behind one lock for the length of a write; a rolled-back create leaves a gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import NumberInterval, Principal
from ledgerport.domain.context import WorkContext
from ledgerport.errors import FieldError, SeriesExhausted, ValidationFailed
from ledgerport.model import Entity, Field, FieldType, Registry, Scope
from ledgerport.query.series import bump_counter, highest, insert_counter, is_taken
from ledgerport.query.statements import next_number
from ledgerport.query.tables import COMPANY_COLUMN, Tables
from ledgerport.store.series import number_series_users

__all__ = [
    "DEFAULT_LAST",
    "NEXT",
    "assign_key",
    "check_interval",
    "create_default",
    "ensure_defaults",
    "numbered_fields",
    "series_fields",
    "series_name",
    "take",
    "take_in",
]

NEXT = "next"
"""The value that asks for the next number of a non-key series field."""
DEFAULT_LAST = 999_999_999
MAX_SKIPS = 10_000
"""Taken numbers skipped in one allocation before giving up (an interval full of them)."""


def series_name(entity: Entity, field: Field) -> str:
    return f"{entity.resource}.{field.name}"


def numbered_fields(
    entity: Entity, values: Mapping[str, object], requested: frozenset[str]
) -> tuple[Field, ...]:
    """Series fields a create needs numbers for: an omitted single key, and ``"next"`` ones."""
    found = [entity.by_name[name] for name in sorted(requested)]
    if len(entity.key) == 1:
        key = entity.key_fields[0]
        if key.series and key.type is FieldType.INTEGER and values.get(key.name) is None:
            found.insert(0, key)
    return tuple(dict.fromkeys(found))


async def take(
    conn: AsyncConnection,
    tables: Tables,
    registry: Registry,
    principal: Principal,
    company_no: int,
    entity: Entity,
    field: Field,
    now: dt.datetime,
) -> int:
    """The next free number of ``field`` for ``principal`` in ``company_no``."""
    name = series_name(entity, field)
    own = _user_interval(principal, company_no, name)
    if own is not None:
        return await _take_user(conn, tables, entity, field, company_no, own)
    return await _take_company(conn, tables, registry, entity, field, company_no, now)


async def take_in(ctx: WorkContext, company_no: int, entity: Entity, field: Field) -> int:
    """``take`` in the unit of work's own transaction, for its principal."""
    return await take(
        ctx.conn, ctx.tables, ctx.registry, ctx.principal, company_no, entity, field, ctx.now
    )


def _user_interval(principal: Principal, company_no: int, name: str) -> NumberInterval | None:
    grant = principal.grant(company_no)
    if grant is None:
        return None
    return next((i for i in grant.number_series if i.field == name), None)


async def _take_user(
    conn: AsyncConnection,
    tables: Tables,
    entity: Entity,
    field: Field,
    company_no: int,
    interval: NumberInterval,
) -> int:
    table = number_series_users
    row = {
        "company_no": company_no,
        "field": interval.field,
        "from_no": interval.start,
        "to_no": interval.end,
        "next_no": interval.start,
    }
    await conn.execute(insert_counter(conn.dialect.name, table, row))
    where = (
        (table.c.company_no == company_no)
        & (table.c.field == interval.field)
        & (table.c.from_no == interval.start)
    )
    shown = f"{interval.field} {interval.start}-{interval.end} of user's own interval"
    bump = bump_counter(table, where, "next_no", "to_no", versioned=False)
    return await _first_free(conn, tables, entity, field, company_no, bump, shown)


async def _take_company(
    conn: AsyncConnection,
    tables: Tables,
    registry: Registry,
    entity: Entity,
    field: Field,
    company_no: int,
    now: dt.datetime,
) -> int:
    series = registry.entity(Scope.COMPANY, "numberseries")
    table = tables.of(series)
    name = series_name(entity, field)
    found = (
        await conn.execute(
            table.select().where(table.c[COMPANY_COLUMN] == company_no, table.c.field == name)
        )
    ).first()
    if found is None:
        await create_default(conn, tables, registry, company_no, entity, field, now)
    where = (table.c[COMPANY_COLUMN] == company_no) & (table.c.field == name)
    bump = bump_counter(table, where, "next_no", "to_no", versioned=True)
    return await _first_free(conn, tables, entity, field, company_no, bump, name)


async def create_default(
    conn: AsyncConnection,
    tables: Tables,
    registry: Registry,
    company_no: int,
    entity: Entity,
    field: Field,
    now: dt.datetime,
) -> None:
    """The company's default interval, 1-999,999,999, starting past the highest in use."""
    series = registry.entity(Scope.COMPANY, "numberseries")
    table = tables.of(series)
    used = (
        await conn.execute(highest(tables.of(entity), entity, field.column, company_no))
    ).scalar()
    start = int(used) + 1 if isinstance(used, int) and used < DEFAULT_LAST else 1
    row = {
        COMPANY_COLUMN: company_no,
        "field": series_name(entity, field),
        "from_no": 1,
        "to_no": DEFAULT_LAST,
        "next_no": start,
        "row_version": 1,
        "created_date_time": now,
        "last_modified_date_time": now,
    }
    await conn.execute(insert_counter(conn.dialect.name, table, row))


async def _first_free(
    conn: AsyncConnection,
    tables: Tables,
    entity: Entity,
    field: Field,
    company_no: int,
    bump: object,
    shown: str,
) -> int:
    owner = tables.of(entity)
    for _ in range(MAX_SKIPS):
        after = (await conn.execute(bump)).scalar()  # type: ignore[call-overload]
        if after is None:
            raise SeriesExhausted(
                f"The number series {shown} of company {company_no} is exhausted; "
                "widen it or start a new one at /api/{companyNo}/numberseries.".replace(
                    "{companyNo}", str(company_no)
                ),
            )
        number = int(after) - 1
        taken = await conn.execute(is_taken(owner, field.column, company_no, number))
        if taken.first() is None:
            return number
    raise SeriesExhausted(f"The number series {shown} has no free number among the next ones.")


async def assign_key(
    ctx: WorkContext, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> dict[str, object]:
    """``values`` with an omitted line number filled in: the next in its parent document.

    Only composite keys (an order line's ``lineNo`` under its ``orderNo``) are numbered
    this way; single series keys come from the number series.
    """
    result = dict(values)
    last = entity.key_fields[-1]
    if result.get(last.name) is not None or not last.series or last.type is not FieldType.INTEGER:
        return result
    if len(entity.key) == 1 and company_no is not None:
        result[last.name] = await take_in(ctx, company_no, entity, last)
        return result
    parent = {name: result[name] for name in entity.key[:-1]}
    number = (
        await ctx.conn.execute(next_number(ctx.tables, entity, company_no, last.name, parent))
    ).scalar_one()
    assert isinstance(number, int)
    result[last.name] = number
    return result


def series_fields(entity: Entity) -> tuple[Field, ...]:
    """Fields of ``entity`` numbered from a company series: a single key, or ``"next"`` ones."""
    if entity.scope is not Scope.COMPANY:
        return ()
    found = [
        f
        for f in entity.fields
        if f.series
        and f.type is FieldType.INTEGER
        and (f.name not in entity.key or len(entity.key) == 1)
    ]
    return tuple(found)


async def ensure_defaults(
    conn: AsyncConnection, tables: Tables, registry: Registry, now: dt.datetime
) -> int:
    """Every company's default interval of every series field (missing ones made); a count."""
    companies = tables.of(registry.entity(Scope.SYS, "companies"))
    series = tables.of(registry.entity(Scope.COMPANY, "numberseries"))
    made = 0
    for (company_no,) in (
        await conn.execute(companies.select().with_only_columns(companies.c.company_no))
    ).all():
        present = {
            r.field
            for r in await conn.execute(
                series.select().where(series.c[COMPANY_COLUMN] == company_no)
            )
        }
        for entity in registry.in_scope(Scope.COMPANY):
            for field in series_fields(entity):
                if series_name(entity, field) not in present:
                    await create_default(conn, tables, registry, company_no, entity, field, now)
                    made += 1
    return made


def check_interval(registry: Registry, values: Mapping[str, object]) -> None:
    """A ``numberseries`` row names a series field and has from <= next <= to + 1 (400)."""
    errors: list[FieldError] = []
    name = values.get("field")
    resource, _, field_name = str(name).partition(".")
    entity = registry.get(Scope.COMPANY, resource)
    fields = series_fields(entity) if entity is not None else ()
    if not any(f.name == field_name for f in fields):
        errors.append(FieldError("field", f"{name!r} is not a numbered field (resource.fieldName)"))
    start, end, following = values.get("fromNo"), values.get("toNo"), values.get("nextNo")
    if isinstance(start, int) and isinstance(end, int) and start > end:
        errors.append(FieldError("toNo", "must be at least fromNo"))
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and isinstance(following, int)
        and not start <= following <= end + 1
    ):
        errors.append(FieldError("nextNo", f"must be between {start} and {end + 1}"))
    if errors:
        raise ValidationFailed("The number series interval is not valid.", errors=errors)
