"""Assign omitted key numbers: the next free number per company (and parent key)."""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.domain.context import WorkContext
from ledgerport.model import Entity, FieldType
from ledgerport.query.statements import next_number

__all__ = ["assign_key"]


async def assign_key(
    ctx: WorkContext, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> dict[str, object]:
    """``values`` with the last key field filled in when it is omitted and series-bound.

    The leading key fields (an order line's ``orderNo``) scope the numbering, so line
    numbers restart at 1 in every order.
    """
    result = dict(values)
    last = entity.key_fields[-1]
    if result.get(last.name) is not None or not last.series or last.type is not FieldType.INTEGER:
        return result
    parent = {name: result[name] for name in entity.key[:-1]}
    number = (
        await ctx.conn.execute(next_number(ctx.tables, entity, company_no, last.name, parent))
    ).scalar_one()
    assert isinstance(number, int)
    result[last.name] = number
    return result
