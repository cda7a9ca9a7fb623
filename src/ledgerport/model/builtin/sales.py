"""Sales: associates (customers, suppliers, employees), terms, orders and customer invoices."""

from __future__ import annotations

from ledgerport.model.declare import (
    boolean,
    child,
    company_entity,
    date,
    decimal,
    integer,
    money,
    quantity,
    ref,
    string,
)
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
    ]


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
    ),
    company_entity(
        "orderlines",
        module=MODULE,
        title="Sales order line",
        key=("orderNo", "lineNo"),
        fields=[*document_line_fields("orderNo"), date("deliveryDate")],
        references=document_line_references("orders", "orderNo"),
    ),
    company_entity(
        "customerinvoices",
        module=MODULE,
        title="Customer invoice",
        key="invoiceNo",
        fields=[
            integer("invoiceNo", nullable=False, series=True),
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
        ],
        references=[
            ref("customerNo", "associates.customerNo"),
            ref("currencyCode", "sys:currencies"),
            ref("paymentTermsNo", "paymentterms"),
            ref("orderNo", "orders"),
        ],
        children=[child("lines", "customerinvoicelines", invoiceNo="invoiceNo")],
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
