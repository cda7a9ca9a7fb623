"""``init --demo``: what the demo companies and user hold, and that a second run adds nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import pytest_asyncio
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ledgerport.auth.users import find_user, principal_of
from ledgerport.codec import decode
from ledgerport.config import Settings
from ledgerport.domain.demo import load_demo
from ledgerport.domain.demo_build import build_company
from ledgerport.domain.demo_data import COFFEE_ROASTERY, OFFICE_SUPPLY
from ledgerport.model import Scope, builtin_registry
from ledgerport.pipeline import run
from ledgerport.query.tables import Tables
from ledgerport.request.intent import Method, QueryOptions, ResourceRequest, Target
from ledgerport.services import Services
from ledgerport.store.database import Database
from ledgerport.store.migrate import migrate
from ledgerport.store.system import api_user_companies, api_users, change_log

REGISTRY = builtin_registry()
TABLES = Tables.build(REGISTRY)


@dataclass
class Loaded:
    db: Database
    first_report: list[str]
    second_report: list[str]
    changes_after_first: int
    changes_after_second: int


async def count(db: Database, resource: str, company_no: int, *where: ColumnElement[bool]) -> int:
    table = TABLES.of(REGISTRY.entity(Scope.COMPANY, resource))
    statement = select(func.count()).select_from(table).where(table.c.company_no == company_no)
    async with db.read() as conn:
        return int((await conn.execute(statement.where(*where))).scalar_one())


async def changes(db: Database) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(change_log))).scalar_one())


@pytest_asyncio.fixture(scope="module")
async def loaded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Loaded]:
    path: Path = tmp_path_factory.mktemp("demo") / "t.db"
    db = Database.connect(f"sqlite:///{path}")
    try:
        await migrate(db, Tables.build(builtin_registry()))
        settings = Settings()
        first = await load_demo(settings, db)
        after_first = await changes(db)
        second = await load_demo(settings, db)
        yield Loaded(db, first, second, after_first, await changes(db))
    finally:
        await db.dispose()


def printed_password(report: list[str]) -> str:
    found = [m.group(1) for line in report if (m := re.match(r"\s*password:\s+(\S+)$", line))]
    assert len(found) == 1, report
    return found[0]


async def test_company_9999_has_customers_suppliers_products_and_documents(
    loaded: Loaded,
) -> None:
    db = loaded.db
    associates = TABLES.of(REGISTRY.entity(Scope.COMPANY, "associates"))
    customers = await count(db, "associates", 9999, associates.c.customer_no.is_not(None))
    suppliers = await count(db, "associates", 9999, associates.c.supplier_no.is_not(None))
    employees = await count(db, "associates", 9999, associates.c.employee_no.is_not(None))
    assert customers >= 50
    assert suppliers >= 20
    assert employees >= 3
    assert await count(db, "associates", 9999, associates.c.customer_no < 10000) == 0
    assert await count(db, "associates", 9999, associates.c.supplier_no < 50000) == 0
    assert await count(db, "products", 9999) >= 30
    assert await count(db, "orders", 9999) == 40
    assert await count(db, "orderlines", 9999) >= 40
    assert await count(db, "customerinvoices", 9999) >= 3
    assert await count(db, "customerinvoicelines", 9999) >= 3
    assert await count(db, "supplierinvoices", 9999) >= 3
    assert await count(db, "vouchers", 9999) >= 2
    assert await count(db, "contacts", 9999) > 0
    assert await count(db, "stockbalances", 9999) > 0
    assert await count(db, "accounts", 9999) >= 15
    assert await count(db, "vatcodes", 9999) >= 5


async def test_every_order_has_lines_and_invoices_stay_drafts(loaded: Loaded) -> None:
    orders = TABLES.of(REGISTRY.entity(Scope.COMPANY, "orders"))
    lines = TABLES.of(REGISTRY.entity(Scope.COMPANY, "orderlines"))
    invoices = TABLES.of(REGISTRY.entity(Scope.COMPANY, "customerinvoices"))
    async with loaded.db.read() as conn:
        bare = await conn.execute(
            select(orders.c.order_no).where(
                ~select(lines.c.line_no)
                .where(lines.c.company_no == orders.c.company_no)
                .where(lines.c.order_no == orders.c.order_no)
                .exists()
            )
        )
        statuses = set((await conn.execute(select(invoices.c.status))).scalars())
    assert bare.all() == []
    assert statuses == {"draft"}


async def test_vouchers_balance(loaded: Loaded) -> None:
    lines = TABLES.of(REGISTRY.entity(Scope.COMPANY, "voucherlines"))
    totals: dict[tuple[int, int], Decimal] = {}
    async with loaded.db.read() as conn:
        c = lines.c
        rows = await conn.execute(
            select(c.company_no, c.voucher_no, c.debit_amount, c.credit_amount)
        )
        for company_no, voucher_no, debit, credit in rows:
            key = (company_no, voucher_no)
            totals[key] = totals.get(key, Decimal(0)) + debit - credit
    assert totals
    assert set(totals.values()) == {Decimal(0)}


async def test_company_1000_exists_with_its_own_data(loaded: Loaded) -> None:
    companies = TABLES.of(REGISTRY.entity(Scope.SYS, "companies"))
    async with loaded.db.read() as conn:
        names = dict((await conn.execute(select(companies.c.company_no, companies.c.name))).all())
    assert set(names) == {9999, 1000}
    assert await count(loaded.db, "associates", 1000) >= 20
    assert await count(loaded.db, "products", 1000) >= 30
    assert await count(loaded.db, "orders", 1000) > 0


async def test_demo_user_is_stored_with_an_argon2_hash_of_the_printed_password(
    loaded: Loaded,
) -> None:
    password = printed_password(loaded.first_report)
    async with loaded.db.read() as conn:
        user = (await conn.execute(select(api_users).where(api_users.c.username == "demo"))).one()
        grants = await conn.execute(
            select(api_user_companies.c.company_no).where(api_user_companies.c.username == "demo")
        )
        companies = set(grants.scalars())
    assert user.password_hash.startswith("$argon2")
    assert password not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, password)
    assert user.scopes.split() == ["read", "write", "webhooks"]
    assert user.allow_sys
    assert user.allow_catalog
    assert not user.disabled
    assert companies == {9999, 1000}
    assert any(f"curl -k -u demo:{password}" in line for line in loaded.first_report)


async def test_demo_user_reads_company_9999_associates(loaded: Loaded) -> None:
    async with loaded.db.read() as conn:
        user = await find_user(conn, "demo", ())
    assert user is not None
    services = Services(
        settings=Settings(), database=loaded.db, registry=REGISTRY, secret_key="test"
    )
    target = Target(Scope.COMPANY, 9999, "associates")
    request = ResourceRequest(Method.GET, target, QueryOptions(top=5))
    outcome = await run(request, principal_of(user, None), services)
    assert outcome.body is not None
    rows = decode(outcome.body)["value"]
    assert len(rows) == 5
    assert all(row["name"] and row["city"] for row in rows)


async def test_second_run_adds_nothing_and_says_so(loaded: Loaded) -> None:
    assert loaded.changes_after_first > 500
    assert loaded.changes_after_second == loaded.changes_after_first
    text = "\n".join(loaded.second_report)
    assert "9999 Nordlys Demo AS: exists already" in text
    assert "1000 Bryggen Kaffebrenneri AS: exists already" in text
    assert "demo exists already and was left unchanged" in text
    assert "password:" not in text


def test_the_demo_bodies_are_the_same_on_every_build() -> None:
    assert build_company(OFFICE_SUPPLY) == build_company(OFFICE_SUPPLY)
    assert build_company(COFFEE_ROASTERY) == build_company(COFFEE_ROASTERY)


def test_norwegian_organisation_numbers_pass_mod11() -> None:
    numbers = [
        str(item.body["orgNo"])
        for item in build_company(OFFICE_SUPPLY).items
        if item.resource == "associates" and item.body.get("countryCode") == "NO"
        if item.body.get("orgNo")
    ]
    assert len(numbers) >= 50
    for number in numbers:
        weights = (3, 2, 7, 6, 5, 4, 3, 2)
        rest = sum(int(d) * w for d, w in zip(number[:8], weights, strict=True)) % 11
        assert (11 - rest) % 11 == int(number[8]), number
