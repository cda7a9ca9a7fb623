"""Datetimes written by the database's JSON equal Python's encoding, fraction or none."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import text

from conftest import Live
from ledgerport.codec import encode
from ledgerport.query.json import datetime_text
from ledgerport.store.database import Database

MOMENTS = [
    dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
    dt.datetime(2026, 6, 1, 12, 0, 0, 100_000, tzinfo=dt.UTC),
    dt.datetime(1999, 2, 28, 0, 0, 0, 1, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_database_datetimes_are_the_python_bytes(live: Live, moment: dt.datetime) -> None:
    async def written() -> str:
        database = Database.connect(live.settings.database_url, 1)
        try:
            async with database.read() as conn:
                if database.is_sqlite:  # stored as SQLAlchemy writes it there
                    stored = "'" + moment.strftime("%Y-%m-%d %H:%M:%S.%f") + "'"
                else:
                    stored = f"CAST('{moment.isoformat()}' AS TIMESTAMP WITH TIME ZONE)"
                sql = f"SELECT {datetime_text(stored, database.dialect)}"
                value = (await conn.execute(text(sql))).scalar_one()
                assert isinstance(value, str)
                return value
        finally:
            await database.dispose()

    assert ('"' + asyncio.run(written()) + '"').encode() == encode(moment)
