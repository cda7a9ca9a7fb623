"""Documents and their lines: line amounts, totals per VAT code, and read-only documents.

Totals are derived, never sent: a document's ``netAmount``, ``vatAmount`` and
``grossAmount`` are recomputed in every transaction that writes one of its lines, with VAT
per VAT code (the net of a code x its rate, rounded half up to the cent), exactly the amounts
a release posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledgerport.domain.context import Stored, WorkContext
from ledgerport.errors import DocumentLocked
from ledgerport.model import Entity, Reference, Registry, Scope
from ledgerport.query.statements import (
    match_condition,
    select_one,
    select_where,
    update_row,
)
from ledgerport.store.rows import stored

__all__ = [
    "VatLine",
    "apply_line_amount",
    "check_unlocked",
    "is_document_line",
    "lines_of",
    "parent_document",
    "refresh_totals",
    "totals_of",
    "vat_breakdown",
]

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def apply_line_amount(entity: Entity, values: dict[str, object]) -> None:
    """Set a line's derived net amount from its quantity, price and discount."""
    rule = entity.line_amount
    if rule is None:
        return
    quantity = _decimal(values.get(rule.quantity))
    price = _decimal(values.get(rule.price))
    discount = _decimal(values.get(rule.discount))
    values[rule.into] = cents(quantity * price * (100 - discount) / 100)


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(0)


@dataclass(frozen=True)
class VatLine:
    """The net of one VAT code on a document and the VAT on it."""

    vat_code: int | None
    rate: Decimal
    net: Decimal
    vat: Decimal
    output_account: int | None
    input_account: int | None


async def vat_breakdown(
    ctx: WorkContext, company_no: int, entity: Entity, lines: Iterable[Mapping[str, object]]
) -> list[VatLine]:
    """Net and VAT per VAT code of a document's lines, in VAT code order."""
    rule = entity.totals
    assert rule is not None
    nets: dict[int | None, Decimal] = {}
    for line in lines:
        code = line.get(rule.vat_code)
        key = code if isinstance(code, int) else None
        nets[key] = nets.get(key, Decimal(0)) + _decimal(line.get(rule.line_net))
    vatcodes = ctx.registry.entity(Scope.COMPANY, "vatcodes")
    result: list[VatLine] = []
    for code in sorted(nets, key=lambda c: -1 if c is None else c):
        row = None
        if code is not None:
            found = await ctx.conn.execute(select_one(ctx.tables, vatcodes, company_no, (code,)))
            row = found.first()
        rate = Decimal(0) if row is None else _decimal(row._mapping["rate"])
        net = nets[code]
        result.append(
            VatLine(
                code,
                rate,
                net,
                cents(net * rate / 100),
                None if row is None else row._mapping["outputVatAccountNo"],
                None if row is None else row._mapping["inputVatAccountNo"],
            )
        )
    return result


async def totals_of(
    ctx: WorkContext, company_no: int, entity: Entity, lines: Iterable[Mapping[str, object]]
) -> dict[str, object]:
    rule = entity.totals
    assert rule is not None
    breakdown = await vat_breakdown(ctx, company_no, entity, lines)
    net = sum((b.net for b in breakdown), Decimal(0))
    vat = sum((b.vat for b in breakdown), Decimal(0))
    return {rule.net: cents(net), rule.vat: cents(vat), rule.gross: cents(net + vat)}


async def lines_of(ctx: WorkContext, company_no: int, document: Stored) -> list[Stored]:
    """The lines of a document with totals, in key order."""
    rule = document.entity.totals
    assert rule is not None
    child = next(c for c in document.entity.children if c.name == rule.child)
    line_entity = ctx.registry.entity(Scope.COMPANY, child.resource)
    table = ctx.tables.of(line_entity)
    link = {theirs: document.values[own] for own, theirs in child.link}
    statement = select_where(
        ctx.tables, line_entity, match_condition(table, line_entity, company_no, link)
    ).order_by(*(table.c[f.column] for f in line_entity.key_fields))
    return [stored(line_entity, r) for r in (await ctx.conn.execute(statement)).all()]


async def refresh_totals(ctx: WorkContext, company_no: int, document: Stored) -> Stored:
    """Recompute a document's totals from its lines; write and log them when they changed."""
    lines = await lines_of(ctx, company_no, document)
    totals = await totals_of(ctx, company_no, document.entity, (line.values for line in lines))
    changed = {k: v for k, v in totals.items() if document.values.get(k) != v}
    if not changed:
        return document
    entity = document.entity
    key = tuple(document.key.values())
    row = (
        await ctx.conn.execute(
            update_row(
                ctx.tables, entity, company_no, key, {**changed, "lastModifiedDateTime": ctx.now}
            )
        )
    ).one()
    result = stored(entity, row)
    ctx.record(result, company_no, "updated", changed)
    return result


def is_document_line(registry: Registry, entity: Entity) -> bool:
    """Rows of ``entity`` belong to a document (its totals or its lock follow them)."""
    return _parent_reference(registry, entity) is not None


def _parent_reference(registry: Registry, entity: Entity) -> tuple[Entity, Reference] | None:
    for reference in entity.references:
        if reference.on_delete != "cascade":
            continue
        parent = registry.target(entity, reference)
        if parent.totals is not None or parent.lock is not None:
            return parent, reference
    return None


async def parent_document(
    ctx: WorkContext, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> Stored | None:
    """The document a line belongs to (locked for update), refused when read-only."""
    found = _parent_reference(ctx.registry, entity)
    if found is None or company_no is None:
        return None
    parent, reference = found
    key = tuple(values.get(own) for own in reference.fields)
    if any(k is None for k in key):
        return None
    statement = select_one(ctx.tables, parent, company_no, key, for_update=True)
    row = (await ctx.conn.execute(statement)).first()
    if row is None:
        return None  # the reference check reports it
    document = stored(parent, row)
    check_unlocked(document)
    return document


def check_unlocked(current: Stored) -> None:
    """A released or approved document, and its lines, are read-only: 409."""
    lock = current.entity.lock
    if lock is None:
        return
    status = current.values.get(lock.field)
    if status in lock.values:
        shown = ", ".join(f"{k} {v}" for k, v in current.key.items())
        raise DocumentLocked(
            f"The {current.entity.title.lower()} with {shown} is {status} and can no longer "
            "be changed."
        )
