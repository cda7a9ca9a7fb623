"""Business actions: invoice an order, release or credit a customer invoice, approve a
supplier invoice. Each runs inside the one transaction the pipeline opens: whole or not at
all, its rows and change-log entries (one per row, plus one for the action) included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

from ledgerport.domain import derivations, documents, mutations, posting
from ledgerport.domain.context import Stored, WorkContext
from ledgerport.domain.mutations import create
from ledgerport.domain.payments import create_payment
from ledgerport.errors import ActionRefused, FieldError, NotFound
from ledgerport.model import Registry, Scope
from ledgerport.plan.plan import ChildRows, Create, RunAction
from ledgerport.query.statements import match_condition, select_one, select_where, update_row
from ledgerport.request.intent import ResourceRequest, Target
from ledgerport.response import Outcome, entity_outcome, entity_path
from ledgerport.store.rows import stored

__all__ = ["Done", "create_entity", "joins_bulk", "outcome", "run"]


@dataclass(frozen=True)
class Done:
    """What an action changed, and the entity it created (answered 201), if any."""

    entity: Stored
    created: bool


async def create_entity(ctx: WorkContext, plan: Create) -> Stored:
    """A create, with the business rule of its resource (a payment settles open items)."""
    if _settles(plan):
        return await create_payment(ctx, plan)
    return await create(ctx, plan)


def joins_bulk(registry: Registry, plan: Create) -> bool:
    """Whether ``plan`` may be created with others in one INSERT (``create_many``)."""
    return not _settles(plan) and mutations.joins_bulk(registry, plan)


def unread_row(registry: Registry, plan: Create, now: dt.datetime) -> dict[str, object] | None:
    """The row of a create that is one statement (``mutations.unread_row``); a payment is
    never one (it settles open items)."""
    return None if _settles(plan) else mutations.unread_row(registry, plan, now)


def _settles(plan: Create) -> bool:
    return plan.entity.resource == "payments" and plan.company_no is not None


async def run(ctx: WorkContext, plan: RunAction) -> Done:
    handler = _HANDLERS[(plan.entity.resource, plan.action.name)]
    current = await _locked(ctx, plan)
    return await handler(ctx, plan.company_no, current)


def outcome(done: Done, request: ResourceRequest, minimal: bool) -> Outcome:
    entity = done.entity
    if not done.created:
        return entity_outcome(entity, minimal=minimal)
    target = Target(Scope.COMPANY, request.target.company_no, entity.entity.resource)
    location = request.base_url + entity_path(target, entity)
    return entity_outcome(entity, status=201, minimal=minimal, location=location)


async def _locked(ctx: WorkContext, plan: RunAction) -> Stored:
    statement = select_one(ctx.tables, plan.entity, plan.company_no, plan.key, for_update=True)
    row = (await ctx.conn.execute(statement)).first()
    if row is None:
        shown = ", ".join(f"{n} {v}" for n, v in zip(plan.entity.key, plan.key, strict=True))
        raise NotFound(f"There is no {plan.entity.title.lower()} with {shown}.")
    return stored(plan.entity, row)


async def _set(
    ctx: WorkContext, company_no: int, current: Stored, changes: dict[str, object], event: str
) -> Stored:
    """Update ``current`` and log the update and the action (``{resource}.{event}``)."""
    entity = current.entity
    key = tuple(current.key.values())
    values = {**changes, "lastModifiedDateTime": ctx.now}
    row = (await ctx.conn.execute(update_row(ctx.tables, entity, company_no, key, values))).one()
    result = stored(entity, row)
    ctx.record(result, company_no, "updated", changes)
    ctx.record(result, company_no, event, changes)
    return result


def _require_lines(lines: list[Stored], what: str) -> None:
    if not lines:
        raise ActionRefused(
            f"The {what} has no lines.", errors=[FieldError("lines", "at least one is needed")]
        )


_ORDER_TO_INVOICE = (
    "customerNo",
    "customerName",
    "invoiceAddressLine1",
    "invoiceAddressLine2",
    "invoicePostCode",
    "invoiceCity",
    "invoiceCountryCode",
    "currencyCode",
    "paymentTermsNo",
    "yourReference",
    "ourReference",
)
_LINE_COPY = ("productNo", "description", "quantity", "unit", "unitPrice", "discountPercent")


async def invoice_order(ctx: WorkContext, company_no: int, order: Stored) -> Done:
    """A draft customer invoice with the order's head and lines; the order becomes invoiced."""
    documents.check_unlocked(order)
    lines = await documents.lines_of(ctx, company_no, order)
    _require_lines(lines, "order")
    head: dict[str, object] = {n: order.values[n] for n in _ORDER_TO_INVOICE}
    head |= {"orderNo": order.values["orderNo"], "invoiceDate": ctx.now.date()}
    rows = tuple(
        {**{n: line.values[n] for n in _LINE_COPY}, "vatCode": line.values["vatCode"]}
        for line in lines
    )
    invoice = await _create_invoice(ctx, company_no, head, rows)
    await _set(ctx, company_no, order, {"status": "invoiced"}, "invoiced")
    return Done(invoice, created=True)


async def _create_invoice(
    ctx: WorkContext, company_no: int, head: dict[str, object], rows: tuple[dict[str, object], ...]
) -> Stored:
    invoices = ctx.registry.entity(Scope.COMPANY, "customerinvoices")
    lines = ctx.registry.entity(Scope.COMPANY, "customerinvoicelines")
    child = next(c for c in invoices.children if c.name == "lines")
    plan = Create(invoices, company_no, head, children=(ChildRows(child, lines, rows),))
    return await create(ctx, plan)


async def release_invoice(ctx: WorkContext, company_no: int, invoice: Stored) -> Done:
    """Post receivables (debit), revenue and VAT (credit) per VAT code; open the item."""
    documents.check_unlocked(invoice)
    return Done(await _release(ctx, company_no, invoice), created=False)


async def _release(ctx: WorkContext, company_no: int, invoice: Stored) -> Stored:
    lines = await documents.lines_of(ctx, company_no, invoice)
    _require_lines(lines, "invoice")
    invoice = await documents.refresh_totals(ctx, company_no, invoice)
    dates = await _dates(ctx, company_no, invoice)
    customer_no = invoice.values["customerNo"]
    assert isinstance(customer_no, int)
    postings = _revenue_postings(await _by_account(ctx, company_no, invoice, lines))
    gross = invoice.values["grossAmount"]
    assert isinstance(gross, Decimal)
    invoice_no = invoice.values["invoiceNo"]
    text = f"Invoice {invoice_no}"
    postings.insert(
        0, posting.Posting(posting.RECEIVABLES_ACCOUNT, gross, text, customer_no=customer_no)
    )
    voucher = await posting.post_voucher(
        ctx, company_no, dates["invoiceDate"], "sales", text, postings
    )
    await posting.open_item(
        ctx,
        company_no,
        "customeropenitems",
        {
            "customerNo": customer_no,
            "invoiceNo": invoice_no,
            "voucherNo": voucher.values["voucherNo"],
            "entryDate": dates["invoiceDate"],
            "dueDate": dates["dueDate"],
            "currencyCode": invoice.values["currencyCode"],
            "amount": gross,
        },
    )
    changes = {**dates, "status": "released", "voucherNo": voucher.values["voucherNo"]}
    return await _set(ctx, company_no, invoice, changes, "released")


async def _dates(ctx: WorkContext, company_no: int, invoice: Stored) -> dict[str, dt.date]:
    """Invoice date (today when unset) and due date (from the payment terms when unset)."""
    invoice_date = invoice.values.get("invoiceDate") or ctx.now.date()
    assert isinstance(invoice_date, dt.date)
    due = invoice.values.get("dueDate")
    if not isinstance(due, dt.date):
        given = {"invoiceDate": invoice_date, "paymentTermsNo": invoice.values["paymentTermsNo"]}
        derived = await derivations.assign(ctx, invoice.entity, company_no, given)
        found = derived.get("dueDate")
        due = found if isinstance(found, dt.date) else invoice_date
    return {"invoiceDate": invoice_date, "dueDate": due}


async def _by_account(
    ctx: WorkContext, company_no: int, document: Stored, lines: list[Stored]
) -> list[tuple[int, documents.VatLine]]:
    """Per (account, VAT code): the net and VAT, computed as the totals compute them."""
    rule = document.entity.totals
    assert rule is not None
    default = (
        posting.REVENUE_ACCOUNT
        if document.entity.resource == "customerinvoices"
        else posting.EXPENSE_ACCOUNT
    )
    groups: dict[int, list[Stored]] = {}
    for line in lines:
        account = line.values.get("accountNo")
        groups.setdefault(account if isinstance(account, int) else default, []).append(line)
    result = []
    for account, grouped in sorted(groups.items()):
        for vat in await documents.vat_breakdown(
            ctx, company_no, document.entity, (g.values for g in grouped)
        ):
            result.append((account, vat))
    _check_totals(document, [v for _, v in result])
    return result


def _check_totals(document: Stored, parts: list[documents.VatLine]) -> None:
    """Per-account rounding must give the document's totals; refuse a release otherwise."""
    rule = document.entity.totals
    assert rule is not None
    vat = sum((p.vat for p in parts), Decimal(0))
    if vat != document.values[rule.vat]:
        raise ActionRefused(
            f"VAT per account ({vat}) differs from the document's VAT "
            f"({document.values[rule.vat]}) by rounding; put lines of one VAT code on one "
            "account.",
            errors=[FieldError("lines", "VAT rounds differently per account")],
        )


def _revenue_postings(parts: list[tuple[int, documents.VatLine]]) -> list[posting.Posting]:
    """Revenue credited per (account, VAT code), output VAT per (VAT account, VAT code)."""
    postings: list[posting.Posting] = []
    vat_by_account: dict[tuple[int, int | None], Decimal] = {}
    for account, vat in parts:
        postings.append(posting.Posting(account, -vat.net, "Revenue", vat_code=vat.vat_code))
        if vat.vat:
            if vat.output_account is None:
                raise ActionRefused(
                    f"VAT code {vat.vat_code} has no output VAT account.",
                    errors=[FieldError("lines.vatCode", f"{vat.vat_code}: no output account")],
                )
            key = (vat.output_account, vat.vat_code)
            vat_by_account[key] = vat_by_account.get(key, Decimal(0)) + vat.vat
    for (account, code), amount in sorted(vat_by_account.items()):
        postings.append(posting.Posting(account, -amount, "Output VAT", vat_code=code))
    return postings


async def credit_invoice(ctx: WorkContext, company_no: int, invoice: Stored) -> Done:
    """A credit note with the lines negated, released at once; the invoice becomes credited."""
    if invoice.values["status"] != "released":
        raise ActionRefused(
            f"Only a released invoice can be credited; this one is {invoice.values['status']}.",
            errors=[FieldError("status", "must be released")],
        )
    lines = await documents.lines_of(ctx, company_no, invoice)
    head: dict[str, object] = {n: invoice.values[n] for n in _ORDER_TO_INVOICE}
    head |= {
        "invoiceDate": ctx.now.date(),
        "dueDate": ctx.now.date(),
        "creditedInvoiceNo": invoice.values["invoiceNo"],
    }
    rows = tuple(
        {
            **{n: line.values[n] for n in _LINE_COPY},
            "quantity": -_decimal(line.values["quantity"]),
            "vatCode": line.values["vatCode"],
            "accountNo": line.values["accountNo"],
        }
        for line in lines
    )
    note = await _create_invoice(ctx, company_no, head, rows)
    released = await _release(ctx, company_no, note)
    await _offset_items(ctx, company_no, invoice, released)
    await _set(ctx, company_no, invoice, {"status": "credited"}, "credited")
    return Done(released, created=True)


async def _offset_items(ctx: WorkContext, company_no: int, invoice: Stored, note: Stored) -> None:
    """The credit note's (negative) open item settles what is left of the invoice's."""
    entity = ctx.registry.entity(Scope.COMPANY, "customeropenitems")
    table = ctx.tables.of(entity)
    items = {}
    for document in (invoice, note):
        condition = match_condition(
            table, entity, company_no, {"invoiceNo": document.values["invoiceNo"]}
        )
        row = (await ctx.conn.execute(select_where(ctx.tables, entity, condition))).first()
        if row is not None:
            items[document.values["invoiceNo"]] = stored(entity, row)
    own, credit = items.get(invoice.values["invoiceNo"]), items.get(note.values["invoiceNo"])
    if own is None or credit is None:
        return
    offset = min(
        _decimal(own.values["remainingAmount"]), -_decimal(credit.values["remainingAmount"])
    )
    if offset <= 0:
        return
    for item, change in ((own, -offset), (credit, offset)):
        remaining = _decimal(item.values["remainingAmount"]) + change
        changes: dict[str, object] = {"remainingAmount": remaining, "isSettled": remaining == 0}
        key = tuple(item.key.values())
        values = {**changes, "lastModifiedDateTime": ctx.now}
        row = (
            await ctx.conn.execute(update_row(ctx.tables, entity, company_no, key, values))
        ).one()
        ctx.record(stored(entity, row), company_no, "updated", changes)


def _decimal(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


async def approve_supplier_invoice(ctx: WorkContext, company_no: int, invoice: Stored) -> Done:
    """Post expenses and input VAT (debit) and payables (credit); open the supplier item."""
    documents.check_unlocked(invoice)
    lines = await documents.lines_of(ctx, company_no, invoice)
    _require_lines(lines, "supplier invoice")
    invoice = await documents.refresh_totals(ctx, company_no, invoice)
    supplier_no = invoice.values["supplierNo"]
    assert isinstance(supplier_no, int)
    invoice_no = invoice.values["invoiceNo"]
    text = f"Supplier invoice {invoice_no}"
    postings: list[posting.Posting] = []
    vat_by_account: dict[tuple[int, int | None], Decimal] = {}
    for account, vat in await _by_account(ctx, company_no, invoice, lines):
        postings.append(posting.Posting(account, vat.net, "Expense", vat_code=vat.vat_code))
        if vat.vat:
            if vat.input_account is None:
                raise ActionRefused(
                    f"VAT code {vat.vat_code} has no input VAT account.",
                    errors=[FieldError("lines.vatCode", f"{vat.vat_code}: no input account")],
                )
            key = (vat.input_account, vat.vat_code)
            vat_by_account[key] = vat_by_account.get(key, Decimal(0)) + vat.vat
    postings += [
        posting.Posting(a, v, "Input VAT", vat_code=c)
        for (a, c), v in sorted(vat_by_account.items())
    ]
    gross = _decimal(invoice.values["grossAmount"])
    postings.append(
        posting.Posting(posting.PAYABLES_ACCOUNT, -gross, text, supplier_no=supplier_no)
    )
    date = invoice.values.get("invoiceDate") or ctx.now.date()
    assert isinstance(date, dt.date)
    voucher = await posting.post_voucher(ctx, company_no, date, "purchase", text, postings)
    await posting.open_item(
        ctx,
        company_no,
        "supplieropenitems",
        {
            "supplierNo": supplier_no,
            "invoiceNo": invoice_no,
            "voucherNo": voucher.values["voucherNo"],
            "entryDate": date,
            "dueDate": invoice.values.get("dueDate") or date,
            "currencyCode": invoice.values["currencyCode"],
            "amount": gross,
        },
    )
    changes = {"status": "approved", "voucherNo": voucher.values["voucherNo"], "invoiceDate": date}
    return Done(await _set(ctx, company_no, invoice, changes, "approved"), created=False)


_Handler = Callable[[WorkContext, int, Stored], Awaitable[Done]]

_HANDLERS: dict[tuple[str, str], _Handler] = {
    ("orders", "invoice"): invoice_order,
    ("customerinvoices", "release"): release_invoice,
    ("customerinvoices", "credit"): credit_invoice,
    ("supplierinvoices", "approve"): approve_supplier_invoice,
}
