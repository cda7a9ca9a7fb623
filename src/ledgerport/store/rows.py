"""Rows as the pipeline's typed values, and the read plans carried out."""

from __future__ import annotations

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.domain.context import Stored
from ledgerport.model import Entity
from ledgerport.plan.plan import ReadOne
from ledgerport.query.statements import select_one
from ledgerport.query.tables import VERSION_COLUMN, Tables

__all__ = ["read_one", "stored"]


def stored(entity: Entity, row: Row[tuple[object, ...]]) -> Stored:
    mapping = row._mapping
    values = {f.name: mapping[f.name] for f in entity.fields}
    version = mapping[VERSION_COLUMN]
    assert isinstance(version, int)
    return Stored(entity, values, version)


async def read_one(conn: AsyncConnection, tables: Tables, plan: ReadOne) -> Stored | None:
    row = (await conn.execute(select_one(tables, plan.entity, plan.company_no, plan.key))).first()
    return None if row is None else stored(plan.entity, row)
