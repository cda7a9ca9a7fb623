"""Purchasing: supplier invoices, their lines and the open supplier items."""

from __future__ import annotations

from ledgerport.model.builtin.sales import totals_fields
from ledgerport.model.declare import (
    child,
    company_entity,
    date,
    derive,
    integer,
    money,
    ref,
    string,
)
from ledgerport.model.rules import Action, Lock, Totals

MODULE = "purchasing"

ENTITIES = (
    company_entity(
        "supplierinvoices",
        module=MODULE,
        title="Supplier invoice",
        key="invoiceNo",
        fields=[
            integer("invoiceNo", nullable=False, series=True, gapless=True),
            integer("supplierNo", nullable=False),
            string("supplierName", 80),
            string("supplierInvoiceRef", 40, description="The supplier's own invoice number."),
            date("invoiceDate"),
            date("dueDate"),
            string("currencyCode", 3),
            string("kid", 25, description="Payment reference (KID/OCR) to pay with."),
            string(
                "status",
                10,
                nullable=False,
                default="draft",
                read_only=True,
                choices=("draft", "approved"),
            ),
            string("notes", 1000),
            *totals_fields(),
            integer("voucherNo", read_only=True, description="The voucher of the approval."),
        ],
        references=[
            ref("supplierNo", "associates.supplierNo"),
            ref("currencyCode", "sys:currencies"),
        ],
        children=[child("lines", "supplierinvoicelines", invoiceNo="invoiceNo")],
        derivations=[
            derive(
                "supplierNo",
                "associates.supplierNo",
                supplierName="name",
                currencyCode="currencyCode",
            )
        ],
        totals=Totals("lines", "amount", "vatCode"),
        actions=[
            Action(
                "approve",
                "Validate and post a balanced voucher and the open supplier item "
                "(payables); the invoice becomes read-only.",
                "approved",
            )
        ],
        lock=Lock("status", ("approved",)),
    ),
    company_entity(
        "supplierinvoicelines",
        module=MODULE,
        title="Supplier invoice line",
        key=("invoiceNo", "lineNo"),
        fields=[
            integer("invoiceNo", nullable=False),
            integer("lineNo", nullable=False, series=True),
            string("description", 120),
            integer("accountNo"),
            money("amount", nullable=False, default=0, description="Net amount, VAT excluded."),
            integer("vatCode"),
            integer("departmentNo"),
            integer("projectNo"),
        ],
        references=[
            ref("invoiceNo", "supplierinvoices", on_delete="cascade"),
            ref("accountNo", "accounts"),
            ref("vatCode", "vatcodes"),
            ref("departmentNo", "departments"),
            ref("projectNo", "projects"),
        ],
    ),
    company_entity(
        "supplieropenitems",
        module=MODULE,
        title="Supplier open item",
        key="entryNo",
        description="What the company owes a supplier, per invoice, and what is left of it.",
        fields=[
            integer("entryNo", nullable=False, series=True),
            integer("supplierNo", nullable=False),
            integer("invoiceNo"),
            integer("voucherNo"),
            date("entryDate"),
            date("dueDate"),
            string("currencyCode", 3),
            money("amount", nullable=False, default=0),
            money("remainingAmount", nullable=False, default=0),
        ],
        references=[
            ref("supplierNo", "associates.supplierNo"),
            ref("currencyCode", "sys:currencies"),
        ],
    ),
)
