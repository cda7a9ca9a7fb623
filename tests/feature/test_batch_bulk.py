"""Runs of creates in a ``$batch`` go in as one INSERT: same answers, same rules, same log.

A run that fails anywhere is rolled back and goes one by one, so each request still answers
for itself. Real HTTPS, SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from conftest import Live
from feature.business_setup import ensure_series
from feature.helpers import unique_no
from feature.test_batch import batch, responses
from feature.test_changelog import last_seq, log_rows


def create(request_id: str, body: dict[str, object]) -> dict[str, Any]:
    return {"id": request_id, "method": "POST", "url": "9999/associates", "body": body}


def stored_customers(client: httpx.Client, *numbers: object) -> list[dict[str, Any]]:
    shown = ",".join(str(n) for n in numbers)
    answer = client.get(f"/api/9999/associates?$filter=customerNo in ({shown})")
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["value"]
    return rows


def counted_customers(client: httpx.Client, numbers: list[int]) -> int:
    shown = ",".join(str(n) for n in numbers)
    answer = client.get(f"/api/9999/associates?$filter=customerNo in ({shown})&$count=true")
    assert answer.status_code == 200, answer.text
    count = answer.json()["@odata.count"]
    assert isinstance(count, int)
    return count


def test_a_run_of_creates_answers_as_single_creates_do(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ledgerport")
    given = unique_no()
    requests = [
        create("1", {"name": "Bulk One", "customerNo": "next"}),
        create("2", {"name": "Bulk Two", "customerNo": "next", "city": "Bergen"}),
        create("3", {"name": "Bulk Three", "customerNo": given, "paymentTermsNo": None}),
        create("4", {"name": "Bulk Four", "customerNo": "next"}),
    ]
    with live.client("admin") as admin:
        ensure_series(admin)  # "next" clear of the numbers unique_no hands out
    before = last_seq(live)
    with live.client() as client:
        got = responses(batch(client, requests))
        assert [got[i]["status"] for i in "1234"] == [201, 201, 201, 201]
        numbers = [got[i]["body"]["customerNo"] for i in "1234"]
        assert numbers[2] == given
        assert len(set(numbers)) == 4
        assert all(isinstance(n, int) for n in numbers)
        keys = [got[i]["body"]["associateNo"] for i in "1234"]
        assert len(set(keys)) == 4
        for request_id in "1234":
            answer = got[request_id]
            again = client.get(answer["headers"]["location"])
            assert again.status_code == 200
            assert again.json() == answer["body"]
            assert again.headers["etag"] == answer["headers"]["etag"]
        assert got["2"]["body"]["city"] == "Bergen"
        assert got["1"]["body"]["city"] is None
    assert "fell back" not in caplog.text  # the run went in as one insert
    logged = [r for r in log_rows(live, before) if r["resource"] == "associates"]
    assert [r["operation"] for r in logged] == ["created"] * 4
    assert [r["username"] for r in logged] == ["alice"] * 4
    assert sorted(str(r["entity_key"]) for r in logged) == sorted(
        f'{{"associateNo":{k}}}' for k in keys
    )


def test_a_conflict_inside_a_run_fails_only_its_own_request(live: Live) -> None:
    taken, second, fourth = unique_no(), unique_no(), unique_no()
    requests = [
        create("a", {"name": "First", "customerNo": taken}),
        create("b", {"name": "Second", "customerNo": second}),
        create("c", {"name": "Clash", "customerNo": taken}),
        create("d", {"name": "Fourth", "customerNo": fourth}),
    ]
    with live.client() as client:
        kept_going = responses(batch(client, requests, Prefer="odata.continue-on-error"))
        assert [kept_going[i]["status"] for i in "abcd"] == [201, 201, 409, 201]
        assert kept_going["c"]["body"]["code"] == "LP401"
        names = {r["name"] for r in stored_customers(client, taken, second, fourth)}
        assert names == {"First", "Second", "Fourth"}

        taken, second, fourth = unique_no(), unique_no(), unique_no()
        requests[0]["body"]["customerNo"] = taken
        requests[1]["body"]["customerNo"] = second
        requests[2]["body"]["customerNo"] = taken
        requests[3]["body"]["customerNo"] = fourth
        stopped = responses(batch(client, requests))
        assert list(stopped) == ["a", "b", "c"]
        assert [stopped[i]["status"] for i in "abc"] == [201, 201, 409]
        names = {r["name"] for r in stored_customers(client, taken, second, fourth)}
        assert names == {"First", "Second"}


def test_a_missing_reference_inside_a_run_is_that_requests_422(live: Live) -> None:
    first, bad, last = unique_no(), unique_no(), unique_no()
    requests = [
        create("a", {"name": "First", "customerNo": first}),
        create("b", {"name": "Nowhere", "customerNo": bad, "paymentTermsNo": 987654}),
        create("c", {"name": "Last", "customerNo": last}),
    ]
    with live.client() as client:
        got = responses(batch(client, requests, Prefer="odata.continue-on-error"))
        assert [got[i]["status"] for i in "abc"] == [201, 422, 201]
        assert {e["field"] for e in got["b"]["body"]["errors"]} == {"paymentTermsNo"}
        assert {r["name"] for r in stored_customers(client, first, bad, last)} == {
            "First",
            "Last",
        }


def test_an_invalid_body_ends_the_run_and_answers_alone(live: Live) -> None:
    numbers = [unique_no() for _ in range(4)]
    requests = [
        create("a", {"name": "A", "customerNo": numbers[0]}),
        create("b", {"name": "B", "customerNo": numbers[1]}),
        create("c", {"name": 42, "customerNo": numbers[2]}),
        create("d", {"name": "D", "customerNo": numbers[3]}),
        {"id": "e", "method": "PATCH", "url": "$d", "body": {"city": "Molde"}},
    ]
    with live.client() as client:
        got = responses(batch(client, requests, Prefer="odata.continue-on-error"))
        assert [got[i]["status"] for i in "abcde"] == [201, 201, 400, 201, 200]
        assert got["c"]["body"]["errors"][0]["field"] == "name"
        assert got["e"]["body"]["city"] == "Molde"
        rows = stored_customers(client, *numbers)
        assert {r["name"]: r["city"] for r in rows} == {"A": None, "B": None, "D": "Molde"}


def test_a_run_of_creates_in_another_company_is_refused_request_by_request(live: Live) -> None:
    numbers = [unique_no() for _ in range(3)]
    requests = [
        {
            "id": str(i),
            "method": "POST",
            "url": "1000/associates",
            "body": {"name": "Foreign", "customerNo": n},
        }
        for i, n in enumerate(numbers)
    ]
    with live.client() as alice:  # alice works in company 9999 only
        got = responses(batch(alice, requests, Prefer="odata.continue-on-error"))
        assert [got[str(i)]["status"] for i in range(3)] == [403, 403, 403]
    with live.client("admin") as admin:
        shown = ",".join(str(n) for n in numbers)
        found = admin.get(f"/api/1000/associates?$filter=customerNo in ({shown})")
        assert found.status_code == 200
        assert found.json()["value"] == []


def test_a_run_longer_than_a_transactions_savepoints_goes_in_as_one(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    """A run of creates is one savepoint, however long: 250 creates are one statement in one
    transaction (PostgreSQL shows it in the change log's transaction ids), and 150 requests
    that go one by one after it still all answer, over more than one transaction."""
    caplog.set_level(logging.DEBUG, logger="ledgerport")
    numbers = [unique_no() for _ in range(250)]
    creates = [
        create(f"c{i}", {"name": f"Long {i}", "customerNo": n}) for i, n in enumerate(numbers)
    ]
    reads = [{"id": f"r{i}", "method": "GET", "url": f"$c{i}"} for i in range(150)]
    before = last_seq(live)
    with live.client() as client:
        got = responses(batch(client, creates + reads))
        assert {got[f"c{i}"]["status"] for i in range(250)} == {201}
        assert [got[f"r{i}"]["status"] for i in range(150)] == [200] * 150
        assert [got[f"r{i}"]["body"]["customerNo"] for i in range(150)] == numbers[:150]
        assert counted_customers(client, numbers) == 250
    assert "fell back" not in caplog.text
    logged = [r for r in log_rows(live, before) if r["resource"] == "associates"]
    assert len(logged) == 250
    if live.backend == "postgresql":
        assert len({r["txid"] for r in logged}) == 1


def test_a_long_run_that_fails_goes_one_by_one_across_transactions(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    """A clash in a run of 180 creates: the run falls back once (not again in the next
    transaction), the clash alone fails, every other request is created."""
    caplog.set_level(logging.DEBUG, logger="ledgerport")
    numbers = [unique_no() for _ in range(180)]
    numbers[150] = numbers[20]
    requests = [
        create(str(i), {"name": f"Row {i}", "customerNo": n}) for i, n in enumerate(numbers)
    ]
    with live.client() as client:
        got = responses(batch(client, requests, Prefer="odata.continue-on-error"))
        statuses = [got[str(i)]["status"] for i in range(180)]
        assert statuses == [201] * 150 + [409] + [201] * 29
        assert counted_customers(client, numbers) == 179
    assert caplog.text.count("fell back") == 1
