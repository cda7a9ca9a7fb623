"""The general ledger: accounts, VAT codes, dimensions, vouchers and payments."""

from __future__ import annotations

from ledgerport.model.declare import (
    boolean,
    child,
    company_entity,
    date,
    decimal,
    integer,
    money,
    ref,
    string,
)

MODULE = "ledger"

ENTITIES = (
    company_entity(
        "numberseries",
        module=MODULE,
        title="Number series",
        key="field",
        description=(
            "The company's default interval of a numbered field (``associates.customerNo``); "
            "a user's own intervals from its settings override it for that user."
        ),
        fields=[
            string("field", 100, nullable=False, description="resource.fieldName"),
            integer("fromNo", nullable=False, default=1),
            integer("toNo", nullable=False, default=999_999_999),
            integer("nextNo", nullable=False, default=1, description="The next number to try."),
        ],
    ),
    company_entity(
        "accounts",
        module=MODULE,
        title="Account",
        key="accountNo",
        description="The chart of accounts.",
        fields=[
            integer("accountNo", nullable=False),
            string("name", 80, nullable=False),
            string(
                "accountType",
                10,
                nullable=False,
                choices=("asset", "liability", "equity", "revenue", "expense"),
            ),
            integer("vatCode"),
            boolean("isBlocked"),
        ],
        references=[ref("vatCode", "vatcodes")],
    ),
    company_entity(
        "vatcodes",
        module=MODULE,
        title="VAT code",
        key="vatCode",
        fields=[
            integer("vatCode", nullable=False),
            string("description", 60, nullable=False),
            decimal("rate", 5, 2, nullable=False, default=0, description="Percent, e.g. 25.00."),
            integer("outputVatAccountNo", description="Account for VAT on sales."),
            integer("inputVatAccountNo", description="Account for VAT on purchases."),
        ],
    ),
    company_entity(
        "departments",
        module=MODULE,
        title="Department",
        key="departmentNo",
        fields=[
            integer("departmentNo", nullable=False, series=True),
            string("name", 60, nullable=False),
            boolean("isInactive"),
        ],
    ),
    company_entity(
        "projects",
        module=MODULE,
        title="Project",
        key="projectNo",
        fields=[
            integer("projectNo", nullable=False, series=True),
            string("name", 80, nullable=False),
            integer("customerNo"),
            integer("departmentNo"),
            date("startDate"),
            date("endDate"),
            boolean("isClosed"),
        ],
        references=[
            ref("customerNo", "associates.customerNo"),
            ref("departmentNo", "departments"),
        ],
    ),
    company_entity(
        "vouchers",
        module=MODULE,
        title="Voucher",
        key="voucherNo",
        description="A ledger posting; its lines balance (debits equal credits).",
        fields=[
            integer("voucherNo", nullable=False, series=True, gapless=True),
            date("voucherDate", nullable=False),
            string(
                "voucherType",
                10,
                nullable=False,
                default="general",
                choices=("general", "sales", "purchase", "payment"),
            ),
            string("description", 120),
        ],
        children=[child("lines", "voucherlines", voucherNo="voucherNo")],
    ),
    company_entity(
        "voucherlines",
        module=MODULE,
        title="Voucher line",
        key=("voucherNo", "lineNo"),
        fields=[
            integer("voucherNo", nullable=False),
            integer("lineNo", nullable=False, series=True),
            integer("accountNo", nullable=False),
            money("debitAmount", nullable=False, default=0),
            money("creditAmount", nullable=False, default=0),
            integer("vatCode"),
            string("description", 120),
            integer("customerNo"),
            integer("supplierNo"),
            integer("departmentNo"),
            integer("projectNo"),
        ],
        references=[
            ref("voucherNo", "vouchers", on_delete="cascade"),
            ref("accountNo", "accounts"),
            ref("vatCode", "vatcodes"),
            ref("customerNo", "associates.customerNo"),
            ref("supplierNo", "associates.supplierNo"),
            ref("departmentNo", "departments"),
            ref("projectNo", "projects"),
        ],
    ),
    company_entity(
        "payments",
        module=MODULE,
        title="Payment",
        key="paymentNo",
        description="Money received from a customer or paid to a supplier.",
        fields=[
            integer("paymentNo", nullable=False, series=True),
            date("paymentDate", nullable=False),
            integer("customerNo"),
            integer("supplierNo"),
            money("amount", nullable=False),
            string("currencyCode", 3),
            integer("bankAccountNo", description="Ledger account of the bank."),
            integer("invoiceNo", description="The invoice this payment settles."),
            string("reference", 60),
            integer("voucherNo", read_only=True, description="The voucher of the payment."),
        ],
        references=[
            ref("customerNo", "associates.customerNo"),
            ref("supplierNo", "associates.supplierNo"),
            ref("currencyCode", "sys:currencies"),
            ref("bankAccountNo", "accounts.accountNo"),
        ],
    ),
)
