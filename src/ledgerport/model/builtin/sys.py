"""Company-independent system data: companies, currencies, countries and ERP users."""

from __future__ import annotations

from ledgerport.model.declare import boolean, date, entity, integer, ref, string
from ledgerport.model.schema import Scope

MODULE = "sys"

ENTITIES = (
    entity(
        "currencies",
        scope=Scope.SYS,
        module=MODULE,
        title="Currency",
        key="currencyCode",
        description="ISO 4217 currencies.",
        fields=[
            string("currencyCode", 3, nullable=False, description="ISO 4217 code, e.g. NOK."),
            string("name", 60, nullable=False),
            integer("decimals", nullable=False, default=2),
        ],
    ),
    entity(
        "countries",
        scope=Scope.SYS,
        module=MODULE,
        title="Country",
        key="countryCode",
        description="ISO 3166-1 countries.",
        fields=[
            string("countryCode", 2, nullable=False, description="ISO 3166-1 alpha-2, e.g. NO."),
            string("name", 60, nullable=False),
            string("currencyCode", 3),
            boolean("isEuMember"),
        ],
        references=[ref("currencyCode", "sys:currencies")],
    ),
    entity(
        "companies",
        scope=Scope.SYS,
        module=MODULE,
        title="Company",
        key="companyNo",
        description="The companies (clients) of this ERP database.",
        fields=[
            integer("companyNo", nullable=False),
            string("name", 80, nullable=False),
            string("orgNo", 20, description="Organisation number."),
            string("vatNo", 25),
            string("addressLine1", 80),
            string("addressLine2", 80),
            string("postCode", 10),
            string("city", 50),
            string("countryCode", 2),
            string("currencyCode", 3, description="Base currency of the ledger."),
            string("email", 120),
            string("phone", 30),
            date("fiscalYearStart"),
            boolean("isActive", default=True),
        ],
        references=[ref("countryCode", "sys:countries"), ref("currencyCode", "sys:currencies")],
    ),
    entity(
        "users",
        scope=Scope.SYS,
        module=MODULE,
        title="User",
        key="userId",
        description="ERP users: the context users API users act as.",
        fields=[
            string("userId", 30, nullable=False),
            string("name", 80, nullable=False),
            string("initials", 10),
            string("email", 120),
            string("phone", 30),
            string("language", 5, default="en"),
            boolean("isActive", default=True),
        ],
    ),
)
