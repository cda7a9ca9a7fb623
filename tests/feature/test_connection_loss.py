"""Connections the database server closes (a restart, an administrator's terminate) cost
no request: reads and writes after it are answered as before, on new connections."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

import asyncpg
import pytest
from sqlalchemy import literal, select, text

from conftest import Live, new_pg_database, start_live, user_table
from feature.helpers import unique_no
from ledgerport.query.statements import kept
from ledgerport.store.database import Database


@pytest.fixture(scope="module")
def own_server(
    tmp_path_factory: pytest.TempPathFactory, password_hashes: dict[str, str], pg_admin_url: str
) -> Iterator[tuple[Live, str]]:
    """A PostgreSQL server of its own: its connections are terminated here."""
    tmp = tmp_path_factory.mktemp("connection-loss")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(new_pg_database(pg_admin_url))
        config = f'[database]\nurl = "{url}"\n\n' + user_table(password_hashes)
        live, server = start_live("postgresql", tmp, config)
        stack.callback(server.stop)
        yield live, pg_admin_url


def terminate_connections(admin_url: str, database: str) -> int:
    async def terminate() -> int:
        conn = await asyncpg.connect(admin_url.replace("postgresql://", "postgres://"))
        try:
            rows = await conn.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                database,
            )
            return len(rows)
        finally:
            await conn.close()

    return asyncio.run(terminate())


@pytest.mark.parametrize("first", ["create", "update", "read", "list"])
def test_requests_go_on_after_the_server_closes_every_connection(
    own_server: tuple[Live, str], first: str
) -> None:
    """Whatever comes first after the loss: a create (one statement on the driver), an update
    (a transaction from the pool), an entity read or a list."""
    live, admin_url = own_server
    database = live.settings.database_url.rsplit("/", 1)[1]
    with live.client() as client:
        made = client.post("/api/9999/associates", json={"associateNo": unique_no(), "name": "A"})
        assert made.status_code == 201, made.text
        location = made.headers["location"]
        for _ in range(3):  # connections in use: parked for the driver, pooled
            assert client.get(location).status_code == 200
            assert client.get("/api/9999/associates?$top=5").status_code == 200
            assert client.patch(location, json={"city": "Oslo"}).status_code == 200
        assert terminate_connections(admin_url, database) >= 1
        time.sleep(0.5)  # the server's event loop sees the sockets close
        requests = {
            "create": lambda: client.post(
                "/api/9999/associates", json={"associateNo": unique_no(), "name": "B"}
            ),
            "update": lambda: client.patch(location, json={"city": "Bodø"}),
            "read": lambda: client.get(location),
            "list": lambda: client.get("/api/9999/associates?$top=5"),
        }
        answer = requests.pop(first)()
        assert answer.status_code in (200, 201), answer.text
        for request in requests.values():
            later = request()
            assert later.status_code in (200, 201), later.text


@pytest.mark.parametrize("first", ["driver write", "transaction", "driver read"])
def test_closed_connections_are_replaced_before_use(
    own_server: tuple[Live, str], first: str
) -> None:
    """Below HTTP (where the rate limiter's own queries may meet a dead connection first):
    connections parked by the driver and connections in the pool, all closed by the server,
    are replaced when next taken, whatever takes one first. A driver write is never sent
    twice, so it must not meet a closed connection at all."""
    live, admin_url = own_server
    name = live.settings.database_url.rsplit("/", 1)[1]
    statement = kept(select(literal(1).label("one")))

    async def scenario() -> list[object]:
        database = Database.connect(live.settings.database_url, 3)
        driver = database.driver
        assert driver is not None
        try:
            async with database.read() as conn:  # one in the pool, one parked
                await conn.execute(text("SELECT 1"))
                await driver.rows(statement)
            await asyncio.to_thread(terminate_connections, admin_url, name)
            await asyncio.sleep(0.5)  # the event loop sees the sockets close

            async def transaction() -> object:
                async with database.write() as conn:
                    return (await conn.execute(text("SELECT 1"))).all()

            uses = {
                "driver write": lambda: driver.rows(statement, again=False),
                "transaction": transaction,
                "driver read": lambda: driver.rows(statement),
            }

            first_use = uses.pop(first)
            return [await first_use(), *[await use() for use in uses.values()]]
        finally:
            await database.dispose()

    answers = asyncio.run(scenario())
    assert [[tuple(r) for r in a] for a in answers] == [[(1,)]] * 3  # type: ignore[attr-defined]
