"""A create that needs nothing read first goes in as one statement on PostgreSQL (the row and
its change-log entry together); it answers and records exactly what the transaction path does.

The same values are created once alone (the one-statement path on PostgreSQL) and once inside
a batch's atomicity group (always the transaction path); both run on SQLite too, where every
create takes the transaction path.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import Live
from feature.helpers import assert_problem, unique_no
from feature.test_batch import batch, responses
from feature.test_changelog import last_seq, log_rows
from ledgerport.codec import decode

FIELDS = {
    "name": "Én Linje AS  ",
    "city": "Tromsø",
    "creditLimit": 1500.5,
    "isBlocked": True,
    "email": "post@example.no",
    "notes": 'quotes " and \\ backslash',
}


def test_alone_and_in_a_transaction_answer_and_log_the_same(live: Live) -> None:
    alone_no, grouped_no = unique_no(), unique_no()
    start = last_seq(live)
    with live.client() as client:
        alone = client.post("/api/9999/associates", json={"associateNo": alone_no, **FIELDS})
        assert alone.status_code == 201, alone.text
        got = responses(
            batch(
                client,
                [
                    {
                        "id": "1",
                        "atomicityGroup": "g",
                        "method": "POST",
                        "url": "9999/associates",
                        "body": {"associateNo": grouped_no, **FIELDS},
                    }
                ],
            )
        )
        assert got["1"]["status"] == 201, got
        grouped = got["1"]["body"]
        read = client.get(alone.headers["location"])
    body = alone.json()
    assert alone.headers["location"].endswith(f"/api/9999/associates/{alone_no}")
    assert alone.headers["etag"] == read.headers["etag"] == body["@odata.etag"]
    assert body == read.json()
    assert body["creditLimit"] == 1500.5
    assert body["name"] == FIELDS["name"]
    differing = {"associateNo", "@odata.etag", "createdDateTime", "lastModifiedDateTime"}
    assert {k: v for k, v in body.items() if k not in differing} == {
        k: v for k, v in grouped.items() if k not in differing
    }
    rows = {
        decode(str(r["entity_key"]))["associateNo"]: r
        for r in log_rows(live, start)
        if r["resource"] == "associates"
    }
    assert set(rows) == {alone_no, grouped_no}
    logged_alone = decode(str(rows[alone_no]["changes"]))
    logged_grouped = decode(str(rows[grouped_no]["changes"]))
    assert logged_alone.pop("associateNo") == alone_no
    assert logged_grouped.pop("associateNo") == grouped_no
    assert logged_alone == logged_grouped
    assert logged_alone["creditLimit"] == Decimal("1500.50")
    for name in ("operation", "company_no", "username", "context_user"):
        assert rows[alone_no][name] == rows[grouped_no][name]


def test_a_taken_key_is_409_and_writes_nothing(live: Live) -> None:
    number = unique_no()
    with live.client() as client:
        first = client.post("/api/9999/associates", json={"associateNo": number, "name": "One"})
        assert first.status_code == 201, first.text
        start = last_seq(live)
        again = client.post("/api/9999/associates", json={"associateNo": number, "name": "Two"})
        body = assert_problem(again, 409, "LP401")
        assert body["detail"] == f"An associate with associateNo {number} already exists."
        assert client.get(first.headers["location"]).json()["name"] == "One"
        # The connection the refused statement ran on serves the next request as before.
        later = client.post("/api/9999/associates", json={"associateNo": unique_no(), "name": "3"})
        assert later.status_code == 201, later.text
    assert [r["operation"] for r in log_rows(live, start)] == ["created"]


def test_a_company_that_does_not_exist_is_404_and_writes_nothing(live: Live) -> None:
    start = last_seq(live)
    with live.client("admin") as admin:
        answer = admin.post("/api/5555/associates", json={"associateNo": 7, "name": "Nowhere"})
        body = assert_problem(answer, 404, "LP202")
        assert "Company 5555 does not exist" in str(body["detail"])
        assert admin.get("/api/5555/associates").json()["value"] == []
    assert log_rows(live, start) == []
