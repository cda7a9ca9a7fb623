"""Ledger posting: balanced vouchers and open items, written inside an action's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledgerport.domain.context import Stored, WorkContext
from ledgerport.domain.mutations import insert_entity
from ledgerport.domain.references import check_targets_exist
from ledgerport.errors import ActionRefused, FieldError
from ledgerport.model import Scope

__all__ = [
    "BANK_ACCOUNT",
    "PAYABLES_ACCOUNT",
    "RECEIVABLES_ACCOUNT",
    "Posting",
    "open_item",
    "post_voucher",
]

RECEIVABLES_ACCOUNT = 1500
"""Kundefordringer (NS 4102): debited by customer invoices."""
PAYABLES_ACCOUNT = 2400
"""Leverandørgjeld: credited by supplier invoices."""
BANK_ACCOUNT = 1920
"""Bankinnskudd: the default bank account of payments."""
REVENUE_ACCOUNT = 3000
EXPENSE_ACCOUNT = 4000


@dataclass(frozen=True)
class Posting:
    """One voucher line: a signed amount (positive debits, negative credits) on an account."""

    account_no: int
    amount: Decimal
    description: str
    vat_code: int | None = None
    customer_no: int | None = None
    supplier_no: int | None = None


async def post_voucher(
    ctx: WorkContext,
    company_no: int,
    date: dt.date,
    voucher_type: str,
    description: str,
    postings: list[Posting],
) -> Stored:
    """Write a voucher and its lines; refuse (422) one that does not balance to the cent."""
    lines = [p for p in postings if p.amount != 0]
    balance = sum((p.amount for p in lines), Decimal(0))
    if balance != 0 or not lines:
        raise ActionRefused(
            f"The voucher would not balance (debits - credits = {balance}).",
            errors=[FieldError("lines", "debits and credits must be equal")],
        )
    vouchers = ctx.registry.entity(Scope.COMPANY, "vouchers")
    voucher_lines = ctx.registry.entity(Scope.COMPANY, "voucherlines")
    now = {"createdDateTime": ctx.now, "lastModifiedDateTime": ctx.now}
    head = {"voucherDate": date, "voucherType": voucher_type, "description": description, **now}
    voucher = await insert_entity(ctx, vouchers, company_no, head)
    written = []
    for number, posting in enumerate(lines, start=1):
        row = {
            "voucherNo": voucher.values["voucherNo"],
            "lineNo": number,
            "accountNo": posting.account_no,
            "debitAmount": posting.amount if posting.amount > 0 else Decimal("0.00"),
            "creditAmount": -posting.amount if posting.amount < 0 else Decimal("0.00"),
            "vatCode": posting.vat_code,
            "description": posting.description,
            "customerNo": posting.customer_no,
            "supplierNo": posting.supplier_no,
            **now,
        }
        await check_targets_exist(ctx, voucher_lines, company_no, row)
        written.append(await insert_entity(ctx, voucher_lines, company_no, row))
    voucher.children["lines"] = written
    return voucher


async def open_item(
    ctx: WorkContext, company_no: int, resource: str, values: dict[str, object]
) -> Stored:
    """An open customer or supplier item for ``values`` (amount; remaining = amount)."""
    entity = ctx.registry.entity(Scope.COMPANY, resource)
    row = {
        **values,
        "remainingAmount": values["amount"],
        "createdDateTime": ctx.now,
        "lastModifiedDateTime": ctx.now,
    }
    if entity.field("isSettled") is not None:
        row["isSettled"] = values["amount"] == 0
    return await insert_entity(ctx, entity, company_no, row)
