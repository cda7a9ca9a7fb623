"""The shared product catalog, common to every company."""

from __future__ import annotations

from ledgerport.model.declare import boolean, decimal, entity, money, string
from ledgerport.model.schema import Scope

MODULE = "catalog"

ENTITIES = (
    entity(
        "products",
        scope=Scope.CATALOG,
        module=MODULE,
        title="Catalog product",
        key="productNo",
        description="Products shared by all companies; a company's own products copy from here.",
        fields=[
            string("productNo", 40, nullable=False),
            string("description", 120, nullable=False),
            string("unit", 10, nullable=False, default="pcs"),
            string("gtin", 14, description="Global trade item number (EAN/UPC)."),
            string("productGroup", 40),
            string("manufacturer", 80),
            money("listPrice"),
            decimal("weightKg", 12, 3),
            boolean("isDiscontinued"),
        ],
    ),
)
