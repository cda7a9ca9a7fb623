"""Every write appends to the change log in its own transaction; failed writes leave none."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from conftest import Live
from feature.helpers import unique_no
from ledgerport.codec import decode
from ledgerport.store.database import Database
from ledgerport.store.system import change_log


def log_rows(live: Live, after: int = 0) -> list[dict[str, object]]:
    async def fetch() -> list[dict[str, object]]:
        database = Database.connect(live.settings.database_url, 1)
        try:
            async with database.read() as conn:
                rows = await conn.execute(
                    select(change_log).where(change_log.c.seq > after).order_by(change_log.c.seq)
                )
                return [dict(r._mapping) for r in rows]
        finally:
            await database.dispose()

    return asyncio.run(fetch())


def last_seq(live: Live) -> int:
    async def fetch() -> int:
        database = Database.connect(live.settings.database_url, 1)
        try:
            async with database.read() as conn:
                value = (await conn.execute(select(func.max(change_log.c.seq)))).scalar()
                return int(value or 0)
        finally:
            await database.dispose()

    return asyncio.run(fetch())


def test_create_update_delete_are_logged_with_user_and_context_user(live: Live) -> None:
    start = last_seq(live)
    customer_no = unique_no()
    with live.client("alice") as client:
        created = client.post(
            "/api/9999/associates", json={"name": "Log AS", "customerNo": customer_no}
        )
        key = created.json()["associateNo"]
        client.patch(created.headers["location"], json={"city": "Molde"})
        client.delete(created.headers["location"])
    rows = [r for r in log_rows(live, start) if r["resource"] == "associates"]
    assert [r["operation"] for r in rows] == ["created", "updated", "deleted"]
    assert all(r["company_no"] == 9999 for r in rows)
    assert all(r["username"] == "alice" and r["context_user"] == "ALICE" for r in rows)
    assert all(decode(str(r["entity_key"])) == {"associateNo": key} for r in rows)
    created_changes = decode(str(rows[0]["changes"]))
    assert created_changes["customerNo"] == customer_no
    assert created_changes["name"] == "Log AS"
    assert decode(str(rows[1]["changes"])) == {"city": "Molde"}
    assert rows[2]["changes"] is None


def test_cascaded_deletes_are_logged_per_row(live: Live) -> None:
    with live.client("alice") as client:
        customer = client.post("/api/9999/associates", json={"name": "Cascade AS"}).json()
        key = customer["associateNo"]
        for name in ("Kari", "Ola"):
            response = client.post("/api/9999/contacts", json={"associateNo": key, "name": name})
            assert response.status_code == 201
        start = last_seq(live)
        assert client.delete(f"/api/9999/associates/{key}").status_code == 204
        assert client.get(f"/api/9999/contacts/{key}/1").status_code == 404
    rows = log_rows(live, start)
    assert [(r["resource"], r["operation"]) for r in rows] == [
        ("contacts", "deleted"),
        ("contacts", "deleted"),
        ("associates", "deleted"),
    ]


def test_failed_writes_leave_no_entry_and_no_data(live: Live) -> None:
    start = last_seq(live)
    customer_no = unique_no()
    with live.client("alice") as client:
        client.post("/api/9999/associates", json={"name": "x", "bogus": 1})
        client.post("/api/9999/orders", json={"customerNo": unique_no()})
        first = client.post("/api/9999/associates", json={"name": "U1", "customerNo": customer_no})
        seq_after_first = last_seq(live)
        duplicate = client.post(
            "/api/9999/associates", json={"name": "U2", "customerNo": customer_no}
        )
        assert duplicate.status_code == 409
        client.patch(first.headers["location"], json={"city": "x"}, headers={"If-Match": '"0-0"'})
    assert last_seq(live) == seq_after_first
    rows = log_rows(live, start)
    assert [(r["resource"], r["operation"]) for r in rows] == [("associates", "created")]


def test_unchanged_update_writes_no_entry(live: Live) -> None:
    with live.client("alice") as client:
        created = client.post("/api/9999/associates", json={"name": "Same AS"})
        start = last_seq(live)
        assert (
            client.patch(created.headers["location"], json={"name": "Same AS"}).status_code == 200
        )
    assert last_seq(live) == start
