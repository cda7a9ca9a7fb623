"""Every kind of bad input answers a clear 4xx problem+json, never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from conftest import Live
from feature.helpers import assert_problem, error_fields, unique_no


def count_associates(live: Live) -> int:
    with live.client() as client:
        return len(client.get("/api/9999/associates", params={"$top": 1000}).json()["value"])


def test_malformed_json(live: Live) -> None:
    before = count_associates(live)
    with live.client() as client:
        response = client.post(
            "/api/9999/associates",
            content=b'{"name": "x",',
            headers={"content-type": "application/json"},
        )
    assert_problem(response, 400, "LP101")
    assert count_associates(live) == before


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"", b"null"])
def test_body_must_be_a_json_object(live: Live, body: bytes) -> None:
    with live.client() as client:
        response = client.post(
            "/api/9999/associates", content=body, headers={"content-type": "application/json"}
        )
    assert_problem(response, 400, "LP101")


def test_wrong_content_type(live: Live) -> None:
    with live.client() as client:
        response = client.post(
            "/api/9999/associates", content=b"name=x", headers={"content-type": "text/plain"}
        )
    assert_problem(response, 415, "LP102")


def test_oversized_body(live: Live) -> None:
    with live.client() as client:
        response = client.post("/api/9999/associates", json={"name": "x", "notes": "y" * 70_000})
    assert_problem(response, 413, "LP103")


@pytest.mark.parametrize("company", ["abc", "0", "-1", "99999999999", "9999x"])
def test_non_numeric_company(live: Live, company: str) -> None:
    with live.client() as client:
        response = client.get(f"/api/{company}/associates")
    assert_problem(response, 400, "LP104")


def test_unknown_resource(live: Live) -> None:
    with live.client() as client:
        response = client.get("/api/9999/nosuchthings")
    assert_problem(response, 404, "LP201")


@pytest.mark.parametrize("key", ["abc", "1.5", "99999999999999999999"])
def test_malformed_key(live: Live, key: str) -> None:
    with live.client() as client:
        response = client.get(f"/api/9999/associates/{key}")
    assert_problem(response, 404, "LP202")


def test_too_many_key_segments(live: Live) -> None:
    with live.client() as client:
        response = client.get("/api/9999/associates/1/2")
    assert_problem(response, 400, "LP104")


def test_unknown_and_wrongly_typed_fields_are_all_listed(live: Live) -> None:
    before = count_associates(live)
    with live.client() as client:
        response = client.post(
            "/api/9999/associates",
            json={
                "bogus": 1,
                "customerNo": "ten",
                "creditLimit": "100",
                "isBlocked": "yes",
                "name": "x" * 81,
                "email": 5,
            },
        )
    body = assert_problem(response, 400, "LP203")
    assert error_fields(body) == {
        "bogus",
        "customerNo",
        "creditLimit",
        "isBlocked",
        "name",
        "email",
    }
    assert count_associates(live) == before


def test_required_fields(live: Live) -> None:
    with live.client() as client:
        response = client.post("/api/9999/associates", json={"city": "Oslo"})
    body = assert_problem(response, 400, "LP203")
    assert error_fields(body) == {"name"}


def test_read_only_fields_cannot_be_set(live: Live) -> None:
    with live.client() as client:
        response = client.post("/api/9999/orders", json={"customerNo": 1, "status": "invoiced"})
    body = assert_problem(response, 400, "LP203")
    assert "status" in error_fields(body)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("creditLimit", 1.234, "decimals"),
        ("creditLimit", 1e30, "size"),
        ("customerNo", 2**60, "between"),
        ("customerNo", True, "whole number"),
        ("name", None, "null"),
    ],
)
def test_values_out_of_range(live: Live, field: str, value: object, message: str) -> None:
    with live.client() as client:
        response = client.post("/api/9999/associates", json={"name": "x", field: value})
    body = assert_problem(response, 400, "LP203")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert message in errors[0]["message"]


def test_dates_are_checked(live: Live) -> None:
    with live.client() as client:
        bad = client.post("/api/9999/vouchers", json={"voucherDate": "2024-02-30"})
        assert_problem(bad, 400, "LP203")
        also_bad = client.post("/api/9999/vouchers", json={"voucherDate": "20240201"})
        assert_problem(also_bad, 400, "LP203")


def test_changing_the_key_is_refused(live: Live) -> None:
    with live.client() as client:
        created = client.post("/api/9999/associates", json={"name": "Key AS"}).json()
        response = client.patch(
            f"/api/9999/associates/{created['associateNo']}",
            json={"associateNo": created["associateNo"] + 1000},
        )
    assert_problem(response, 400, "LP203")


def test_duplicate_key_and_unique_field(live: Live) -> None:
    customer_no = unique_no()
    with live.client() as client:
        first = client.post("/api/9999/associates", json={"name": "A", "customerNo": customer_no})
        assert first.status_code == 201
        again = client.post(
            "/api/9999/associates",
            json={"name": "B", "associateNo": first.json()["associateNo"]},
        )
        assert_problem(again, 409, "LP401")
        same_customer = client.post(
            "/api/9999/associates", json={"name": "C", "customerNo": customer_no}
        )
        assert_problem(same_customer, 409, "LP401")


def test_missing_reference_and_still_referenced(live: Live) -> None:
    customer_no = unique_no()
    with live.client() as client:
        missing = client.post("/api/9999/orders", json={"customerNo": customer_no})
        body = assert_problem(missing, 422, "LP402")
        assert error_fields(body) == {"customerNo"}
        customer = client.post(
            "/api/9999/associates", json={"name": "Ref AS", "customerNo": customer_no}
        )
        order = client.post("/api/9999/orders", json={"customerNo": customer_no})
        assert order.status_code == 201
        path = customer.headers["location"]
        assert_problem(client.delete(path), 409, "LP403")
        assert_problem(client.patch(path, json={"customerNo": unique_no()}), 409, "LP403")
        assert client.get(path).json()["customerNo"] == customer_no
        assert client.delete(order.headers["location"]).status_code == 204
        assert client.delete(path).status_code == 204


def test_reference_to_sys_data_is_checked(live: Live) -> None:
    with live.client() as client:
        response = client.post("/api/9999/associates", json={"name": "x", "countryCode": "ZZ"})
    assert_problem(response, 422, "LP402")


def test_write_to_a_company_that_does_not_exist(live: Live) -> None:
    with live.client("admin") as admin:
        response = admin.post("/api/5555/associates", json={"name": "Nowhere AS"})
        body = assert_problem(response, 404, "LP202")
        assert "5555" in str(body["detail"])
        assert admin.get("/api/5555/associates").json()["value"] == []


def test_unsupported_query_option(live: Live) -> None:
    with live.client() as client:
        assert_problem(client.get("/api/9999/associates?$top=abc"), 400, "LP105")
        assert_problem(client.get("/api/9999/associates?$top=-1"), 400, "LP105")
        assert_problem(client.get("/api/9999/associates?$frobnicate=1"), 400, "LP105")


def test_method_not_allowed(live: Live) -> None:
    with live.client() as client:
        assert_problem(client.post("/api/9999/associates/1", json={}), 405, "LP205")
        assert_problem(client.delete("/api/9999/associates"), 405, "LP205")


def test_unknown_path_outside_the_api(live: Live) -> None:
    with live.client() as client:
        assert_problem(client.get("/nothing/here"), 404, "LP202")


def test_bad_if_match_header(live: Live) -> None:
    with live.client() as client:
        created = client.post("/api/9999/associates", json={"name": "Etag AS"})
        response = client.patch(
            created.headers["location"], json={"city": "x"}, headers={"If-Match": "not-quoted"}
        )
    assert_problem(response, 400, "LP106")
