"""Decimals are exact in the database too: SQLite stores scaled integers, PostgreSQL NUMERIC."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from ledgerport.query.types import ExactDecimal
from ledgerport.store.database import Database


async def test_sqlite_keeps_exact_decimals_and_numeric_order(tmp_path: Path) -> None:
    metadata = MetaData()
    table = Table(
        "t",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("amount", ExactDecimal(18, 2)),
    )
    database = Database.connect(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        async with database.write() as conn:
            await conn.run_sync(metadata.create_all)
            values = ["0.10", "0.20", "1234567890123456.78", "-5.00", "10.00", "9.99"]
            await conn.execute(insert(table), [{"amount": Decimal(v)} for v in values])
        async with database.read() as conn:
            rows = (await conn.execute(select(table.c.amount).order_by(table.c.amount))).scalars()
            ordered = [str(v) for v in rows]
            total = (
                (
                    await conn.execute(
                        select(table.c.amount).where(table.c.amount > Decimal("9.995"))
                    )
                )
                .scalars()
                .all()
            )
    finally:
        await database.dispose()
    assert ordered == ["-5.00", "0.10", "0.20", "9.99", "10.00", "1234567890123456.78"]
    assert [str(v) for v in total] == ["1234567890123456.78", "10.00"]
