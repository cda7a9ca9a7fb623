"""Rows as the pipeline's typed values, and the read plans carried out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.domain.context import Stored
from ledgerport.model import Entity, Registry
from ledgerport.plan.plan import ReadOne
from ledgerport.query.statements import match_condition, select_one, select_where
from ledgerport.query.tables import VERSION_COLUMN, Tables

__all__ = ["read_children", "read_one", "stored"]


def stored(entity: Entity, row: Row[tuple[object, ...]] | Sequence[Any]) -> Stored:
    """``row``: a SQLAlchemy row, or an asyncpg record (both look columns up by name)."""
    mapping: Any = row._mapping if isinstance(row, Row) else row
    values = {f.name: mapping[f.name] for f in entity.fields}
    version = mapping[VERSION_COLUMN]
    assert isinstance(version, int)
    return Stored(entity, values, version)


async def read_one(conn: AsyncConnection, tables: Tables, plan: ReadOne) -> Stored | None:
    row = (await conn.execute(select_one(tables, plan.entity, plan.company_no, plan.key))).first()
    return None if row is None else stored(plan.entity, row)


async def read_children(
    conn: AsyncConnection, tables: Tables, registry: Registry, plan: ReadOne, found: Stored
) -> None:
    """Fill ``found.children`` with the collections ``plan.expand`` names, in key order."""
    for child in plan.expand:
        entity = registry.entity(plan.entity.scope, child.resource)
        table = tables.of(entity)
        link = {theirs: found.values[own] for own, theirs in child.link}
        statement = select_where(
            tables, entity, match_condition(table, entity, plan.company_no, link)
        ).order_by(*(table.c[f.column] for f in entity.key_fields))
        found.children[child.name] = [stored(entity, r) for r in await conn.execute(statement)]
