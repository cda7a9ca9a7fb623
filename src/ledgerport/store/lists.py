"""List, count and delta plans carried out in one read transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import decode
from ledgerport.domain.context import Stored
from ledgerport.model import Scope
from ledgerport.plan.plan import DeltaPosition, ReadCount, ReadDelta, ReadList, ReadOne
from ledgerport.plan.query import Expand
from ledgerport.query.json import one_json
from ledgerport.query.lists import (
    count_rows,
    rows_by_keys,
    rows_matching,
    select_page,
    select_page_json,
)
from ledgerport.query.tables import Tables
from ledgerport.store.delta import changes_in, position_now
from ledgerport.store.reads import Reader
from ledgerport.store.rows import stored

__all__ = [
    "DeltaResult",
    "ListResult",
    "read_count",
    "read_delta",
    "read_one_json",
    "read_page",
    "read_page_objects",
]


@dataclass
class ListResult:
    """One page: its rows, whether more follow, and what the plan asked for besides."""

    rows: list[Stored]
    more: bool
    count: int | None = None
    expanded: dict[str, list[list[Stored] | Stored | None]] = field(default_factory=dict)
    """Per ``$expand`` name: one entry per row (a list of children, or one entity or None)."""
    position: str | int | None = None
    """``$delta`` walks: the change-log position the walk started at."""
    json_rows: list[str] | None = None
    """The rows as JSON texts built by the database (then ``rows`` is empty)."""
    last_order: tuple[object, ...] | None = None
    """Order values of the page's last row, for the next cursor."""


@dataclass
class DeltaResult:
    changed: list[Stored]
    removed: list[dict[str, object]]
    """Key values of entities deleted since the position."""
    more: bool
    position: DeltaPosition


async def read_page(
    reader: Reader, tables: Tables, plan: ReadList, *, delta: bool = False
) -> ListResult:
    position = plan.paging.delta_from
    if delta and position is None:
        position = (await reader.rows(position_now(reader.dialect)))[0][0]
    result = await reader.rows(select_page_json(tables, plan, reader.dialect))
    more = len(result) > plan.limit
    result = result[: plan.limit]
    count = None
    if plan.count or plan.paging.page_size is not None:
        count = int((await reader.rows(count_rows(tables, plan)))[0][0])
    last = tuple(result[-1])[1:] if result else None
    json_rows = [r[0] for r in result]
    return ListResult([], more, count, {}, position, json_rows, last)


async def read_page_objects(conn: AsyncConnection, tables: Tables, plan: ReadList) -> ListResult:
    """The same page as typed entities (for callers that need values, not JSON)."""
    result = await conn.execute(select_page(tables, plan))
    rows = [stored(plan.entity, r) for r in result]
    more = len(rows) > plan.limit
    rows = rows[: plan.limit]
    expanded = {e.name: await _expand(conn, tables, plan, e, rows) for e in plan.expand}
    last = tuple(rows[-1].values[o.path.field.name] for o in plan.order) if rows else None
    return ListResult(rows, more, None, expanded, None, None, last)


async def _expand(
    conn: AsyncConnection,
    tables: Tables,
    plan: ReadList,
    expand: Expand,
    rows: Sequence[Stored],
) -> list[list[Stored] | Stored | None]:
    if expand.child is not None:
        (parent_field, child_field), *_ = expand.child.link
    else:
        assert expand.reference is not None
        parent_field = expand.reference.fields[0]
        child_field = expand.reference.target_fields[0]
    values = sorted({r.values[parent_field] for r in rows} - {None}, key=repr)
    found: dict[object, list[Stored]] = {}
    if values:
        statement = rows_matching(tables, expand.target, plan.company_no, child_field, values)
        for row in await conn.execute(statement):
            item = stored(expand.target, row)
            found.setdefault(item.values[child_field], []).append(item)
    if expand.child is not None:
        return [found.get(r.values[parent_field], []) for r in rows]
    return [next(iter(found.get(r.values[parent_field], [])), None) for r in rows]


async def read_one_json(reader: Reader, tables: Tables, plan: ReadOne) -> tuple[str, str] | None:
    """One entity's JSON text (built by the database) and its ETag, or None."""
    params: dict[str, object] = {f"k{i}": value for i, value in enumerate(plan.key)}
    if plan.entity.scope is Scope.COMPANY:
        params["company"] = plan.company_no
    statement = one_json(tables, plan.entity, reader.dialect)
    found = await reader.rows(statement, params)
    return (found[0][0], found[0][1]) if found else None


async def read_count(reader: Reader, tables: Tables, plan: ReadCount) -> int:
    return int((await reader.rows(count_rows(tables, plan)))[0][0])


async def read_delta(reader: Reader, tables: Tables, plan: ReadDelta) -> DeltaResult:
    """What changed after the plan's position, as current entities and tombstones."""
    dialect = reader.dialect
    upper = plan.position.upper
    if upper is None:
        upper = (await reader.rows(position_now(dialect)))[0][0]
    statement = changes_in(
        dialect,
        plan.company_no,
        plan.entity.qualified_name,
        plan.position,
        upper,
        plan.limit,
    )
    changes = list(await reader.rows(statement))
    more = len(changes) > plan.limit
    changes = changes[: plan.limit]
    if more:
        last = (int(changes[-1][0]), int(changes[-1][1]))
        position = DeltaPosition(plan.position.since, upper, last)
    else:
        position = DeltaPosition(upper)
    keys: dict[tuple[object, ...], None] = {}
    for change in changes:
        key = decode(change[3])
        keys[tuple(key.get(name) for name in plan.entity.key)] = None
    current: dict[tuple[object, ...], Stored] = {}
    if keys:
        statement = rows_by_keys(tables, plan.entity, plan.company_no, list(keys))
        for row in await reader.rows(statement):
            item = stored(plan.entity, row)
            current[tuple(item.key.values())] = item
    changed = [current[k] for k in keys if k in current]
    removed = [dict(zip(plan.entity.key, k, strict=True)) for k in keys if k not in current]
    return DeltaResult(changed, removed, more, position)
