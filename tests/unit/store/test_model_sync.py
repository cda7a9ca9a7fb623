"""Migration brings an existing database to the model: missing tables, columns and indexes
are created, on SQLite and PostgreSQL, and a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from conftest import new_pg_database
from ledgerport.model import builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database
from ledgerport.store.migrate import migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sync.db'}"
        return
    admin = request.getfixturevalue("pg_admin_url")
    with new_pg_database(admin) as created:
        yield created


async def test_missing_indexes_of_the_model_are_created(url: str) -> None:
    tables = Tables.build(builtin_registry())
    database = Database.connect(url)
    try:
        created = await migrate(database, tables)
        assert "created table associates" in created
        async with database.write() as conn:
            await conn.execute(text("DROP INDEX ix_associates_city"))
        assert await migrate(database, tables) == ["created index ix_associates_city"]
        assert await migrate(database, tables) == []
        async with database.read() as conn:
            indexes = await conn.run_sync(lambda c: inspect(c).get_indexes("associates"))
        by_name = {i["name"]: i["column_names"] for i in indexes}
        assert by_name["ix_associates_city"] == ["company_no", "city"]
        assert by_name["ix_associates_name"] == ["company_no", "name"]
    finally:
        await database.dispose()
