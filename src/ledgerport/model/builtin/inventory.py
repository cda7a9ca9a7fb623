"""Inventory: the company's products, warehouses and stock balances."""

from __future__ import annotations

from ledgerport.model.declare import (
    boolean,
    company_entity,
    decimal,
    integer,
    money,
    quantity,
    ref,
    string,
)

MODULE = "inventory"

ENTITIES = (
    company_entity(
        "products",
        module=MODULE,
        title="Product",
        key="productNo",
        fields=[
            string("productNo", 40, nullable=False),
            string("description", 120, nullable=False),
            string("unit", 10, nullable=False, default="pcs"),
            string("gtin", 14, description="Global trade item number (EAN/UPC)."),
            string("productGroup", 40),
            money("salesPrice", nullable=False, default=0),
            money("costPrice", nullable=False, default=0),
            integer("vatCode"),
            integer("salesAccountNo"),
            decimal("weightKg", 12, 3),
            boolean("isStockItem", default=True),
            boolean("isInactive"),
        ],
        references=[
            ref("vatCode", "vatcodes"),
            ref("salesAccountNo", "accounts.accountNo"),
        ],
    ),
    company_entity(
        "warehouses",
        module=MODULE,
        title="Warehouse",
        key="warehouseNo",
        fields=[
            integer("warehouseNo", nullable=False, series=True),
            string("name", 60, nullable=False),
            string("addressLine1", 80),
            string("postCode", 10),
            string("city", 50),
            string("countryCode", 2),
        ],
        references=[ref("countryCode", "sys:countries")],
    ),
    company_entity(
        "stockbalances",
        module=MODULE,
        title="Stock balance",
        key=("productNo", "warehouseNo"),
        fields=[
            string("productNo", 40, nullable=False),
            integer("warehouseNo", nullable=False),
            quantity("quantityOnHand", nullable=False, default=0),
            quantity("quantityReserved", nullable=False, default=0),
            quantity("reorderLevel", nullable=False, default=0),
            string("binLocation", 20),
        ],
        references=[
            ref("productNo", "products", on_delete="cascade"),
            ref("warehouseNo", "warehouses"),
        ],
    ),
)
