"""Assignment order and derivations: fields are assigned one by one, and some fill others.

The model declares which field fills which (``Entity.derivations``, ``date_offsets``) and
the order of assignment (``Entity.assign_order``: fields that fill others come first), so in
the model's order a value the request sets explicitly wins over a derived one.
``$assignOrder`` moves named fields to the front: a field assigned before its source is then
overwritten by the derivation, as in RedHorn's custom assignment order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ledgerport.domain.context import WorkContext
from ledgerport.model import Entity, Scope
from ledgerport.query.statements import match_condition, select_where

__all__ = ["assign"]

_Lookups = dict[tuple[str, str, object], Mapping[str, object] | None]


async def assign(
    ctx: WorkContext,
    entity: Entity,
    company_no: int | None,
    given: Mapping[str, object],
    order: tuple[str, ...] | None = None,
) -> dict[str, object]:
    """``given`` assigned in order, with what each assignment derives filled in."""
    sequence = list(dict.fromkeys((*(order or ()), *entity.assign_order)))
    result: dict[str, object] = {}
    lookups: _Lookups = {}
    for name in sequence:
        if name in given:
            await _set(ctx, entity, company_no, result, name, given[name], lookups)
    return result


async def _set(
    ctx: WorkContext,
    entity: Entity,
    company_no: int | None,
    result: dict[str, object],
    name: str,
    value: object,
    lookups: _Lookups,
) -> None:
    result[name] = value
    if company_no is None:
        return
    for derivation in entity.derivations:
        if derivation.source != name or value is None:
            continue
        row = await _lookup(
            ctx, company_no, derivation.target, derivation.target_field, value, lookups
        )
        if row is None:
            continue  # the reference check reports it
        for own, theirs in derivation.fills:
            if row.get(theirs) is not None:
                await _set(ctx, entity, company_no, result, own, row[theirs], lookups)
    for offset in entity.date_offsets:
        if name not in (offset.base, offset.via):
            continue
        base, via = result.get(offset.base), result.get(offset.via)
        if not isinstance(base, dt.date) or via is None:
            continue
        row = await _lookup(ctx, company_no, offset.target, offset.target_field, via, lookups)
        days = None if row is None else row.get(offset.days_field)
        if isinstance(days, int):
            result[offset.field] = base + dt.timedelta(days=days)


async def _lookup(
    ctx: WorkContext,
    company_no: int,
    resource: str,
    field: str,
    value: object,
    lookups: _Lookups,
) -> Mapping[str, object] | None:
    cache_key = (resource, field, value)
    if cache_key not in lookups:
        target = ctx.registry.entity(Scope.COMPANY, resource)
        table = ctx.tables.of(target)
        condition = match_condition(table, target, company_no, {field: value})
        row = (await ctx.conn.execute(select_where(ctx.tables, target, condition))).first()
        lookups[cache_key] = None if row is None else dict(row._mapping)
    return lookups[cache_key]
