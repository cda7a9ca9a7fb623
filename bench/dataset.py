"""The benchmark data set: 100,000 associates in company 9999, fewer in 1000 and 2000,
orders (one per five associates) with three lines each, loaded straight into the tables
that ``ledgerport init`` created (through the same SQLAlchemy tables, so SQLite's scaled
decimals and PostgreSQL's NUMERIC both get exact values).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from ledgerport.model import Scope, builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database

__all__ = ["ASSOCIATES", "COMPANIES", "load"]

ASSOCIATES = 100_000
COMPANIES = {9999: ASSOCIATES, 1000: 10_000, 2000: 5_000}
CITIES = [
    "Oslo",
    "Bergen",
    "Trondheim",
    "Stavanger",
    "Tromsø",
    "Drammen",
    "Kristiansand",
    "Fredrikstad",
    "Ålesund",
    "Bodø",
]
_CHUNK = 5_000


def _defaults(tables: Tables, scope: Scope, resource: str) -> dict[str, Any]:
    entity = tables_registry.entity(scope, resource)
    return {f.column: f.default for f in entity.fields}


tables_registry = builtin_registry()


async def load(url: str) -> None:
    """Fill an initialised, empty database."""
    tables = Tables.build(tables_registry)
    database = Database.connect(url)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    stamps = {"created_date_time": now, "last_modified_date_time": now, "row_version": 1}
    rng = random.Random(42)
    try:
        async with database.write() as conn:
            sys_rows = [
                ("currencies", [{"currency_code": "NOK", "name": "Norwegian krone"}]),
                ("countries", [{"country_code": "NO", "name": "Norway", "currency_code": "NOK"}]),
                (
                    "companies",
                    [
                        {"company_no": no, "name": f"Bench {no} AS", "currency_code": "NOK"}
                        for no in COMPANIES
                    ],
                ),
            ]
            for resource, rows in sys_rows:
                table = tables.by_entity[(Scope.SYS, resource)]
                base = _defaults(tables, Scope.SYS, resource)
                await conn.execute(insert(table), [{**base, **stamps, **r} for r in rows])
        for company, count in COMPANIES.items():
            await _company(database, tables, company, count, stamps, rng)
        async with database.engine.connect() as conn:
            # Fresh statistics and visibility maps, as autovacuum would give a long-running
            # database (else autovacuum works through the new rows during the first scenarios).
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("ANALYZE" if database.is_sqlite else "VACUUM (ANALYZE)")
    finally:
        await database.dispose()


async def _company(
    database: Database,
    tables: Tables,
    company: int,
    count: int,
    stamps: dict[str, Any],
    rng: random.Random,
) -> None:
    associates = tables.by_entity[(Scope.COMPANY, "associates")]
    orders = tables.by_entity[(Scope.COMPANY, "orders")]
    lines = tables.by_entity[(Scope.COMPANY, "orderlines")]
    base_a = _defaults(tables, Scope.COMPANY, "associates")
    base_o = _defaults(tables, Scope.COMPANY, "orders")
    base_l = _defaults(tables, Scope.COMPANY, "orderlines")
    for start in range(1, count + 1, _CHUNK):
        rows = [
            {
                **base_a,
                **stamps,
                "company_no": company,
                "associate_no": n,
                "customer_no": 10_000 + n,
                "name": f"Kunde {n} AS",
                "city": CITIES[rng.randrange(len(CITIES))],
                "post_code": f"{rng.randrange(10000):04d}",
                "email": f"post{n}@kunde{n}.no",
                "currency_code": "NOK",
                "credit_limit": Decimal(rng.randrange(0, 1_000_000)) / 100,
                "is_blocked": n % 97 == 0,
            }
            for n in range(start, min(start + _CHUNK, count + 1))
        ]
        async with database.write() as conn:
            await conn.execute(insert(associates), rows)
    order_count = count // 5
    for start in range(1, order_count + 1, _CHUNK):
        numbers = range(start, min(start + _CHUNK, order_count + 1))
        order_rows = [
            {
                **base_o,
                **stamps,
                "company_no": company,
                "order_no": n,
                "customer_no": 10_000 + rng.randrange(1, count + 1),
                "order_date": dt.date(2026, 1, 1) + dt.timedelta(days=n % 300),
                "currency_code": "NOK",
                "status": "open",
            }
            for n in numbers
        ]
        line_rows = [
            {
                **base_l,
                **stamps,
                "company_no": company,
                "order_no": n,
                "line_no": line,
                "description": f"Vare {line} til ordre {n}",
                "quantity": Decimal(rng.randrange(1, 50)),
                "unit_price": Decimal(rng.randrange(100, 100_000)) / 100,
            }
            for n in numbers
            for line in (1, 2, 3)
        ]
        async with database.write() as conn:
            await conn.execute(insert(orders), order_rows)
            await conn.execute(insert(lines), line_rows)
