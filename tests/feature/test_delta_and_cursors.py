"""Delta links and cursor walks under concurrent writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from conftest import Live
from feature.helpers import assert_problem
from feature.queries_data import make_rows


def walk(live: Live, url: str, params: dict[str, str] | None, page: int) -> tuple[list[Any], Any]:
    """Follow next links to the end; return every row and the last body."""
    seen: list[Any] = []
    with live.client() as client:
        response = client.get(url, params=params, headers={"Prefer": f"odata.maxpagesize={page}"})
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            seen.extend(body["value"])
            link = body.get("@odata.nextLink")
            if link is None:
                return seen, body
            response = client.get(link, headers={"Prefer": f"odata.maxpagesize={page}"})


def test_cursor_walk_visits_every_row_once_while_rows_are_inserted(live: Live) -> None:
    tag, rows = make_rows(live, 20)
    params = {"$filter": f"notes eq '{tag}'", "$orderby": "name desc"}
    seen: list[int] = []
    inserted: list[dict[str, Any]] = []
    with live.client() as client:
        response = client.get(
            "/api/9999/associates", params=params, headers={"Prefer": "odata.maxpagesize=3"}
        )
        while True:
            body = response.json()
            seen.extend(v["associateNo"] for v in body["value"])
            # Insert one row before and one after the cursor's position on each page.
            for name in ("AAAA inserted", "zzzz inserted"):
                created = client.post(
                    "/api/9999/associates", json={"name": name, "notes": tag}
                ).json()
                inserted.append(created)
            link = body.get("@odata.nextLink")
            if link is None:
                break
            response = client.get(link, headers={"Prefer": "odata.maxpagesize=3"})
    original = {r["associateNo"] for r in rows}
    assert len(seen) == len(set(seen)), "a row was visited twice"
    assert original <= set(seen), "a row present for the whole walk was missed"
    # Rows sorting before the cursor (name desc: 'zzzz' comes first) are never seen late.
    late_z = {r["associateNo"] for r in inserted if r["name"].startswith("zzzz")}
    assert not (late_z & set(seen))


def test_delta_reports_created_changed_and_deleted(live: Live) -> None:
    _, rows = make_rows(live, 3)
    all_rows, last = walk(live, "/api/9999/associates/$delta", None, 500)
    assert {r["associateNo"] for r in rows} <= {r["associateNo"] for r in all_rows}
    delta_link = last["@odata.deltaLink"]
    assert "$deltatoken=" in delta_link
    with live.client() as client:
        assert client.get(delta_link).json()["value"] == []
        created = client.post("/api/9999/associates", json={"name": "Delta New AS"}).json()
        client.patch(f"/api/9999/associates/{rows[0]['associateNo']}", json={"city": "Molde"})
        client.delete(f"/api/9999/associates/{rows[1]['associateNo']}")
        changes = client.get(delta_link)
        assert changes.status_code == 200, changes.text
        body = changes.json()
    by_key = {v["associateNo"]: v for v in body["value"]}
    assert by_key[created["associateNo"]]["name"] == "Delta New AS"
    assert by_key[rows[0]["associateNo"]]["city"] == "Molde"
    assert by_key[rows[1]["associateNo"]] == {
        "@removed": {"reason": "deleted"},
        "associateNo": rows[1]["associateNo"],
    }
    assert len(body["value"]) == 3
    with live.client() as client:
        assert client.get(body["@odata.deltaLink"]).json()["value"] == []
        # A delta token belongs to its company and resource.
        token = delta_link.split("$deltatoken=")[1]
        wrong = client.get("/api/9999/orders/$delta", params={"$deltatoken": token})
        assert_problem(wrong, 400, "LP105")
        forged = client.get("/api/9999/associates/$delta", params={"$deltatoken": _forge(token)})
        assert_problem(forged, 400, "LP105")


def test_delta_waits_for_a_transaction_that_commits_out_of_order(live: Live) -> None:
    """A change whose transaction began before a later-committed one is not skipped."""
    if live.backend != "postgresql":
        pytest.skip("SQLite serialises writers: commits cannot be out of order")
    import asyncpg

    _, last = walk(live, "/api/9999/associates/$delta", None, 1000)
    delta_link = last["@odata.deltaLink"]
    url = live.settings.database_url.replace("postgresql://", "postgres://")

    async def slow_write() -> None:
        conn = await asyncpg.connect(url)
        try:
            tx = conn.transaction()
            await tx.start()
            await conn.execute(
                "INSERT INTO change_log (at, company_no, resource, operation, entity_key, "
                "username) VALUES (now(), 9999, 'associates', 'updated', "
                "'{\"associateNo\": 987654}', 'slow')"
            )
            # Meanwhile a later transaction commits through the API, and a delta is read.
            await asyncio.to_thread(_fast_write_and_read, live, delta_link, holder)
            await tx.commit()
        finally:
            await conn.close()

    holder: dict[str, Any] = {}
    asyncio.run(slow_write())
    with live.client() as client:
        after = client.get(holder["link"]).json()
    keys = {v["associateNo"] for v in after["value"]}
    assert 987654 in keys, "the slow transaction's change was skipped"
    assert holder["fast"] in keys | holder["first"], "the fast transaction's change was lost"


def _fast_write_and_read(live: Live, delta_link: str, holder: dict[str, Any]) -> None:
    with live.client() as client:
        fast = client.post("/api/9999/associates", json={"name": "Fast AS"}).json()
        body = client.get(delta_link).json()
    # The fast change may wait until the slow one ends; it must never be lost.
    holder["link"] = body.get("@odata.deltaLink") or body["@odata.nextLink"]
    holder["fast"] = fast["associateNo"]
    holder["first"] = {v.get("associateNo") for v in body["value"]}


def _forge(token: str) -> str:
    """The same token with one bit of its payload changed."""
    payload, mac = token.split(".")
    return f"{payload[:-1]}{'B' if payload[-1] != 'B' else 'C'}.{mac}"


def test_delta_pages_when_many_changed(live: Live) -> None:
    """More changes than a page: next links inside the window, then a delta link."""
    _, last = walk(live, "/api/9999/contacts/$delta", None, 1000)
    delta_link = last["@odata.deltaLink"]
    _, owners = make_rows(live, 1)
    owner = owners[0]["associateNo"]
    with live.client() as client:
        for i in range(7):
            response = client.post(
                "/api/9999/contacts", json={"associateNo": owner, "name": f"Contact {i}"}
            )
            assert response.status_code == 201, response.text
        client.delete(f"/api/9999/contacts/{owner}/1")
    seen, final = walk(live, delta_link, None, 3)
    assert "@odata.deltaLink" in final
    live_rows = [v for v in seen if "@removed" not in v]
    removed = [v for v in seen if "@removed" in v]
    assert sorted(v["contactNo"] for v in live_rows) == [2, 3, 4, 5, 6, 7]
    # A key changed on two pages may be reported on both (its state then); never missed.
    tombstone = {"@removed": {"reason": "deleted"}, "associateNo": owner, "contactNo": 1}
    assert removed
    assert all(r == tombstone for r in removed)
