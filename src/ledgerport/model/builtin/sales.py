"""Sales: associates (customers, suppliers, employees), terms, orders and customer invoices."""

from __future__ import annotations

from ledgerport.model.declare import (
    boolean,
    child,
    company_entity,
    date,
    decimal,
    derive,
    integer,
    money,
    quantity,
    ref,
    string,
)
from ledgerport.model.rules import Action, DateOffset, Derivation, LineAmount, Lock, Totals
from ledgerport.model.schema import Field, Reference

MODULE = "sales"


def address(prefix: str) -> list[Field]:
    """The address block of a document or associate (``invoiceAddressLine1``, ...)."""

    def name(suffix: str) -> str:
        return f"{prefix}{suffix}" if prefix else suffix[0].lower() + suffix[1:]

    return [
        string(name("AddressLine1"), 80),
        string(name("AddressLine2"), 80),
        string(name("PostCode"), 10),
        string(name("City"), 50),
        string(name("CountryCode"), 2),
    ]


def document_line_fields(document_no: str) -> list[Field]:
    """Fields shared by order lines and customer invoice lines."""
    return [
        integer(document_no, nullable=False),
        integer("lineNo", nullable=False, series=True),
        string("productNo", 40),
        string("description", 120),
        quantity("quantity", nullable=False, default=1),
        string("unit", 10),
        money("unitPrice", nullable=False, default=0),
        decimal("discountPercent", 5, 2, nullable=False, default=0),
        integer("vatCode"),
        money("netAmount", nullable=False, default=0, read_only=True, description=NET_LINE),
    ]


NET_LINE = "quantity x unitPrice less discount, rounded to the cent (derived)."

LINE_AMOUNT = LineAmount("netAmount", "quantity", "unitPrice", "discountPercent")

LINE_TOTALS = Totals("lines", "netAmount", "vatCode")


def totals_fields() -> list[Field]:
    """Read-only totals of a document, always consistent with its lines."""
    return [
        money("netAmount", nullable=False, default=0, read_only=True, description="Sum of lines."),
        money("vatAmount", nullable=False, default=0, read_only=True, description="VAT per code."),
        money("grossAmount", nullable=False, default=0, read_only=True, description="Net + VAT."),
    ]


def product_derivation(**extra: str) -> Derivation:
    """A line's productNo fills its description, unit, price and VAT code."""
    return derive(
        "productNo",
        "products.productNo",
        description="description",
        unit="unit",
        unitPrice="salesPrice",
        vatCode="vatCode",
        **extra,
    )


def customer_derivation(*, delivery: bool) -> Derivation:
    """A document's customerNo fills name, addresses, currency and terms from the customer."""
    fills = {
        "customerName": "name",
        "invoiceAddressLine1": "addressLine1",
        "invoiceAddressLine2": "addressLine2",
        "invoicePostCode": "postCode",
        "invoiceCity": "city",
        "invoiceCountryCode": "countryCode",
        "currencyCode": "currencyCode",
        "paymentTermsNo": "paymentTermsNo",
    }
    if delivery:
        fills |= {
            "deliveryName": "name",
            "deliveryAddressLine1": "addressLine1",
            "deliveryAddressLine2": "addressLine2",
            "deliveryPostCode": "postCode",
            "deliveryCity": "city",
            "deliveryCountryCode": "countryCode",
            "deliveryTermsNo": "deliveryTermsNo",
        }
    return derive("customerNo", "associates.customerNo", **fills)


def document_line_references(parent: str, document_no: str) -> list[Reference]:
    return [
        ref(document_no, parent, on_delete="cascade"),
        ref("productNo", "products"),
        ref("vatCode", "vatcodes"),
    ]


ENTITIES = (
    company_entity(
        "paymentterms",
        module=MODULE,
        title="Payment terms",
        key="paymentTermsNo",
        fields=[
            integer("paymentTermsNo", nullable=False, series=True),
            string("description", 60, nullable=False),
            integer("netDays", nullable=False, default=30),
            decimal("discountPercent", 5, 2, nullable=False, default=0),
            integer("discountDays", nullable=False, default=0),
        ],
    ),
    company_entity(
        "deliveryterms",
        module=MODULE,
        title="Delivery terms",
        key="deliveryTermsNo",
        fields=[
            integer("deliveryTermsNo", nullable=False, series=True),
            string("description", 60, nullable=False),
            string("incoterm", 3, description="Incoterms 2020 code, e.g. DAP."),
        ],
    ),
    company_entity(
        "associates",
        module=MODULE,
        title="Associate",
        key="associateNo",
        description="A customer, supplier or employee (or several of these at once).",
        fields=[
            integer("associateNo", nullable=False, series=True),
            integer("customerNo", unique=True, series=True, description="Set: a customer."),
            integer("supplierNo", unique=True, series=True, description="Set: a supplier."),
            integer("employeeNo", unique=True, series=True, description="Set: an employee."),
            string("name", 80, nullable=False),
            string("shortName", 20),
            *address(""),
            string("currencyCode", 3),
            string("languageCode", 5),
            string("email", 120),
            string("phone", 30),
            string("mobile", 30),
            string("web", 120),
            string("orgNo", 20, description="Organisation number."),
            string("vatNo", 25),
            string("bankAccountNo", 34, description="Bank account or IBAN."),
            integer("paymentTermsNo"),
            integer("deliveryTermsNo"),
            money("creditLimit", nullable=False, default=0),
            boolean("isBlocked"),
            string("notes", 1000),
        ],
        references=[
            ref("countryCode", "sys:countries"),
            ref("currencyCode", "sys:currencies"),
            ref("paymentTermsNo", "paymentterms"),
            ref("deliveryTermsNo", "deliveryterms"),
        ],
        children=[child("contacts", "contacts", associateNo="associateNo")],
        indexed=["name", "city"],
    ),
    company_entity(
        "contacts",
        module=MODULE,
        title="Contact",
        key=("associateNo", "contactNo"),
        description="A person at an associate.",
        fields=[
            integer("associateNo", nullable=False),
            integer("contactNo", nullable=False, series=True),
            string("name", 80, nullable=False),
            string("jobTitle", 60),
            string("email", 120),
            string("phone", 30),
            string("mobile", 30),
            boolean("isPrimary"),
        ],
        references=[ref("associateNo", "associates", on_delete="cascade")],
    ),
    company_entity(
        "orders",
        module=MODULE,
        title="Sales order",
        key="orderNo",
        fields=[
            integer("orderNo", nullable=False, series=True),
            date("orderDate"),
            integer("customerNo", nullable=False),
            string("customerName", 80),
            *address("invoice"),
            string("deliveryName", 80),
            *address("delivery"),
            date("requestedDeliveryDate"),
            string("currencyCode", 3),
            integer("paymentTermsNo"),
            integer("deliveryTermsNo"),
            integer("departmentNo"),
            integer("projectNo"),
            string("yourReference", 60),
            string("ourReference", 60),
            string(
                "status",
                10,
                nullable=False,
                default="open",
                read_only=True,
                choices=("open", "invoiced"),
            ),
            string("notes", 1000),
            *totals_fields(),
        ],
        references=[
            ref("customerNo", "associates.customerNo"),
            ref("currencyCode", "sys:currencies"),
            ref("paymentTermsNo", "paymentterms"),
            ref("deliveryTermsNo", "deliveryterms"),
            ref("departmentNo", "departments"),
            ref("projectNo", "projects"),
        ],
        children=[child("lines", "orderlines", orderNo="orderNo")],
        derivations=[customer_derivation(delivery=True)],
        totals=LINE_TOTALS,
        actions=[
            Action(
                "invoice",
                "Create a customer invoice from the order's lines; the order becomes invoiced.",
                "invoiced",
                creates="customerinvoices",
            )
        ],
        lock=Lock("status", ("invoiced",)),
    ),
    company_entity(
        "orderlines",
        module=MODULE,
        title="Sales order line",
        key=("orderNo", "lineNo"),
        fields=[*document_line_fields("orderNo"), date("deliveryDate")],
        references=document_line_references("orders", "orderNo"),
        derivations=[product_derivation()],
        line_amount=LINE_AMOUNT,
    ),
    company_entity(
        "customerinvoices",
        module=MODULE,
        title="Customer invoice",
        key="invoiceNo",
        fields=[
            integer("invoiceNo", nullable=False, series=True, gapless=True),
            date("invoiceDate"),
            date("dueDate"),
            integer("customerNo", nullable=False),
            string("customerName", 80),
            *address("invoice"),
            string("currencyCode", 3),
            integer("paymentTermsNo"),
            integer("orderNo", description="The order this invoice was made from."),
            string("yourReference", 60),
            string("ourReference", 60),
            string("kid", 25, description="Customer payment reference (KID/OCR)."),
            string(
                "status",
                10,
                nullable=False,
                default="draft",
                read_only=True,
                choices=("draft", "released", "credited"),
            ),
            string("notes", 1000),
            *totals_fields(),
            integer("voucherNo", read_only=True, description="The voucher of the release."),
            integer(
                "creditedInvoiceNo",
                read_only=True,
                description="On a credit note: the invoice it reverses.",
            ),
        ],
        references=[
            ref("customerNo", "associates.customerNo"),
            ref("currencyCode", "sys:currencies"),
            ref("paymentTermsNo", "paymentterms"),
            ref("orderNo", "orders"),
        ],
        children=[child("lines", "customerinvoicelines", invoiceNo="invoiceNo")],
        derivations=[customer_derivation(delivery=False)],
        date_offsets=[
            DateOffset(
                "dueDate",
                "invoiceDate",
                "paymentTermsNo",
                "paymentterms",
                "paymentTermsNo",
                "netDays",
            )
        ],
        totals=LINE_TOTALS,
        actions=[
            Action(
                "release",
                "Validate, post a balanced voucher and the open customer item; "
                "the invoice becomes read-only.",
                "released",
            ),
            Action(
                "credit",
                "Create and release a credit note reversing a released invoice.",
                "credited",
                creates="customerinvoices",
            ),
        ],
        lock=Lock("status", ("released", "credited")),
    ),
    company_entity(
        "customerinvoicelines",
        module=MODULE,
        title="Customer invoice line",
        key=("invoiceNo", "lineNo"),
        fields=[*document_line_fields("invoiceNo"), integer("accountNo")],
        references=[
            *document_line_references("customerinvoices", "invoiceNo"),
            ref("accountNo", "accounts"),
        ],
        derivations=[product_derivation(accountNo="salesAccountNo")],
        line_amount=LINE_AMOUNT,
    ),
    company_entity(
        "customeropenitems",
        module=MODULE,
        title="Customer open item",
        key="entryNo",
        description="What a customer owes, per invoice, and what is left of it.",
        fields=[
            integer("entryNo", nullable=False, series=True),
            integer("customerNo", nullable=False),
            integer("invoiceNo"),
            integer("voucherNo"),
            date("entryDate"),
            date("dueDate"),
            string("currencyCode", 3),
            money("amount", nullable=False, default=0),
            money("remainingAmount", nullable=False, default=0),
            boolean("isSettled"),
        ],
        references=[
            ref("customerNo", "associates.customerNo"),
            ref("currencyCode", "sys:currencies"),
        ],
    ),
)
