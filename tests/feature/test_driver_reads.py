"""PostgreSQL reads straight on asyncpg answer what SQLAlchemy answers for the same statement.

The shortcut compiles a statement once per shape; later statements of that shape bring their
own values. Each statement here runs twice with different values, through both paths.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select

from conftest import Live
from ledgerport.domain.extensions import load_registry
from ledgerport.model import Scope
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database
from ledgerport.store.reads import ConnectionReader, DriverReader


def statements(tables: Tables, registry: Any, values: dict[str, Any]) -> list[Any]:
    table = tables.of(registry.entity(Scope.COMPANY, "associates"))
    c = table.c
    return [
        select(c.associate_no, c.name)
        .where(c.company_no == values["company"])
        .order_by(c.associate_no.desc())
        .limit(values["top"]),
        select(c.associate_no, c.created_date_time)
        .where(c.company_no == 9999, c.created_date_time > values["since"])
        .order_by(c.associate_no)
        .limit(values["top"]),
        select(func.count())
        .select_from(table)
        .where(c.credit_limit >= values["limit"], c.name != values["name"]),
    ]


def test_driver_reads_match_sqlalchemy(live: Live) -> None:
    if live.backend != "postgresql":
        pytest.skip("the driver shortcut is PostgreSQL's")
    with live.client() as client:
        for name in ("Driver A", "Driver B", "Driver C"):
            made = client.post("/api/9999/associates", json={"name": name, "creditLimit": 10})
            assert made.status_code == 201, made.text

    async def compare() -> None:
        database = Database.connect(live.settings.database_url, 2)
        try:
            async with database.read() as conn:
                registry = await load_registry(conn)
            tables = Tables.build(registry)
            driver = database.driver
            assert isinstance(driver, DriverReader)
            runs = [
                {
                    "company": 9999,
                    "since": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                    "top": 5,
                    "limit": Decimal("0.00"),
                    "name": "x",
                },
                {
                    "company": 9999,
                    "since": dt.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
                    "top": 2,
                    "limit": Decimal("-1.50"),
                    "name": "Plain",
                },
            ]
            for values in runs:
                for statement in statements(tables, registry, values):
                    direct = [tuple(r) for r in await driver.rows(statement)]
                    async with database.read() as conn:
                        through = [tuple(r) for r in await ConnectionReader(conn).rows(statement)]
                    assert direct == through
                    assert direct  # something to compare
            assert len(driver.shapes()) == 3  # one compiled shape each, none left to SQLAlchemy
        finally:
            await database.dispose()

    asyncio.run(compare())


def test_a_failed_driver_read_leaves_the_pool_usable(live: Live) -> None:
    if live.backend != "postgresql":
        pytest.skip("the driver shortcut is PostgreSQL's")

    async def fail_then_read() -> None:
        database = Database.connect(live.settings.database_url, 1)  # one connection
        try:
            driver = database.driver
            assert isinstance(driver, DriverReader)
            with pytest.raises(asyncpg.PostgresError, match="square root"):
                await driver.rows(select(func.sqrt(-1)))
            assert [tuple(r) for r in await driver.rows(select(func.abs(-2)))] == [(2,)]
        finally:
            await database.dispose()

    asyncio.run(fail_then_read())
