"""Payments settle open items, oldest first (or the one invoice named), and post a voucher.

A customer payment debits the bank and credits receivables; a supplier payment debits
payables and credits the bank. Each open item settled keeps what is left in
``remainingAmount``. Paying more than is open is refused (422): nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import and_

from ledgerport.domain import posting
from ledgerport.domain.context import Stored, WorkContext
from ledgerport.domain.mutations import create
from ledgerport.errors import ActionRefused, FieldError
from ledgerport.model import Scope
from ledgerport.plan.plan import Create
from ledgerport.query.statements import match_condition, select_where, update_row
from ledgerport.store.rows import stored

__all__ = ["create_payment"]


async def create_payment(ctx: WorkContext, plan: Create) -> Stored:
    """Settle, post, then store the payment with its voucher number."""
    values = plan.values
    company_no = plan.company_no
    assert company_no is not None
    customer, supplier = values.get("customerNo"), values.get("supplierNo")
    if (customer is None) == (supplier is None):
        raise ActionRefused(
            "A payment is from a customer or to a supplier: give exactly one of them.",
            errors=[FieldError("customerNo", "give customerNo or supplierNo")],
        )
    amount = values["amount"]
    assert isinstance(amount, Decimal)
    if amount <= 0:
        raise ActionRefused(
            "A payment amount must be positive.", errors=[FieldError("amount", "must be > 0")]
        )
    resource, party = (
        ("customeropenitems", "customerNo") if customer else ("supplieropenitems", "supplierNo")
    )
    who = customer if customer is not None else supplier
    await _settle(ctx, company_no, resource, party, who, values.get("invoiceNo"), amount)
    bank = values.get("bankAccountNo") or posting.BANK_ACCOUNT
    assert isinstance(bank, int)
    date = values["paymentDate"]
    assert isinstance(date, dt.date)
    if customer is not None:
        assert isinstance(customer, int)
        lines = [
            posting.Posting(bank, amount, "Payment"),
            posting.Posting(posting.RECEIVABLES_ACCOUNT, -amount, "Payment", customer_no=customer),
        ]
    else:
        assert isinstance(supplier, int)
        lines = [
            posting.Posting(posting.PAYABLES_ACCOUNT, amount, "Payment", supplier_no=supplier),
            posting.Posting(bank, -amount, "Payment"),
        ]
    voucher = await posting.post_voucher(ctx, company_no, date, "payment", "Payment", lines)
    return await create(
        ctx, replace(plan, values={**values, "voucherNo": voucher.values["voucherNo"]})
    )


async def _settle(
    ctx: WorkContext,
    company_no: int,
    resource: str,
    party: str,
    who: object,
    invoice_no: object,
    amount: Decimal,
) -> None:
    entity = ctx.registry.entity(Scope.COMPANY, resource)
    table = ctx.tables.of(entity)
    wanted: dict[str, object] = {party: who}
    if invoice_no is not None:
        wanted["invoiceNo"] = invoice_no
    condition = and_(
        match_condition(table, entity, company_no, wanted), table.c.remaining_amount > 0
    )
    statement = (
        select_where(ctx.tables, entity, condition)
        .order_by(table.c.due_date, table.c.entry_no)
        .with_for_update()
    )
    items = [stored(entity, r) for r in (await ctx.conn.execute(statement)).all()]
    open_total = sum((_amount(i) for i in items), Decimal(0))
    if amount > open_total:
        raise ActionRefused(
            f"The payment of {amount} is more than is open ({open_total}).",
            errors=[FieldError("amount", f"at most {open_total}")],
        )
    left = amount
    for item in items:
        if left == 0:
            break
        paid = min(left, _amount(item))
        left -= paid
        remaining = _amount(item) - paid
        changes: dict[str, object] = {"remainingAmount": remaining}
        if entity.field("isSettled") is not None:
            changes["isSettled"] = remaining == 0
        key = tuple(item.key.values())
        update = update_row(
            ctx.tables, entity, company_no, key, {**changes, "lastModifiedDateTime": ctx.now}
        )
        row = (await ctx.conn.execute(update)).one()
        ctx.record(stored(entity, row), company_no, "updated", changes)


def _amount(item: Stored) -> Decimal:
    value = item.values["remainingAmount"]
    assert isinstance(value, Decimal)
    return value
