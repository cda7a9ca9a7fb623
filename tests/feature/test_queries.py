"""OData query options on lists, through real HTTPS on SQLite and PostgreSQL.

Expected rows are computed here in Python from the rows the test created, never by the
server's own code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conftest import Live
from feature.helpers import assert_problem
from feature.queries_data import as_decimal, make_rows


@pytest.fixture(scope="module")
def dataset(live: Live) -> tuple[Live, str, list[dict[str, Any]]]:
    tag, rows = make_rows(live)
    return live, tag, rows


def get(live: Live, path: str, **params: object) -> Any:
    with live.client() as client:
        response = client.get(path, params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()


def keys(rows: list[dict[str, Any]]) -> list[int]:
    return [r["associateNo"] for r in rows]


def tagged(tag: str, condition: str | None = None) -> str:
    return f"notes eq '{tag}'" + (f" and ({condition})" if condition else "")


CASES: list[tuple[str, Any]] = [
    ("city eq 'Oslo'", lambda r: r["city"] == "Oslo"),
    ("city ne 'Oslo'", lambda r: r["city"] != "Oslo"),
    ("city eq null", lambda r: r["city"] is None),
    ("city ne null", lambda r: r["city"] is not None),
    ("creditLimit gt 300", lambda r: as_decimal(r["creditLimit"]) > 300),
    ("creditLimit le 300.75", lambda r: as_decimal(r["creditLimit"]) <= Decimal("300.75")),
    ("creditLimit ge 0 and creditLimit lt 200.5", lambda r: as_decimal(r["creditLimit"]) < 200.5),
    ("isBlocked", lambda r: r["isBlocked"]),
    ("not isBlocked", lambda r: not r["isBlocked"]),
    (
        "isBlocked eq false or city eq 'Bergen'",
        lambda r: not r["isBlocked"] or r["city"] == "Bergen",
    ),
    ("not (city eq 'Oslo' or city eq 'Bergen')", lambda r: r["city"] not in ("Oslo", "Bergen")),
    ("city in ('Oslo', 'Trondheim')", lambda r: r["city"] in ("Oslo", "Trondheim")),
    ("contains(name, 'a')", lambda r: "a" in r["name"]),
    ("startswith(name, 'E')", lambda r: r["name"].startswith("E")),
    ("endswith(name, '07')", lambda r: r["name"].endswith("07")),
    ("contains(city, 'sl')", lambda r: r["city"] is not None and "sl" in r["city"]),
    ("tolower(city) eq 'oslo'", lambda r: (r["city"] or "").lower() == "oslo"),
    ("toupper(name) eq 'DELTA 03'", lambda r: r["name"].upper() == "DELTA 03"),
    ("length(name) gt 8", lambda r: len(r["name"]) > 8),
    ("name eq 'Zeta O''Brien 05'", lambda r: r["name"] == "Zeta O'Brien 05"),
    ("name gt 'a'", lambda r: r["name"] > "a"),
    ("customerNo eq null", lambda r: r["customerNo"] is None),
    ("email ne null and customerNo ne null", lambda r: r["email"] and r["customerNo"]),
    ("currency/name eq 'Euro'", lambda r: r["currencyCode"] == "EUR"),
    ("currency/name ne 'Euro'", lambda r: r["currencyCode"] != "EUR"),
    ("createdDateTime gt 2000-01-01T00:00:00Z", lambda r: True),
    ("createdDateTime lt 2000-01-01T00:00:00+02:00", lambda r: False),
]


@pytest.mark.parametrize(("expression", "predicate"), CASES, ids=[c[0] for c in CASES])
def test_filter_answers_the_rows_python_expects(
    dataset: tuple[Live, str, list[dict[str, Any]]], expression: str, predicate: Any
) -> None:
    live, tag, rows = dataset
    body = get(live, "/api/9999/associates", **{"$filter": tagged(tag, expression)})
    expected = sorted(keys([r for r in rows if predicate(r)]))
    assert keys(body["value"]) == expected


def test_orderby_several_keys_with_nulls_placed_alike(
    dataset: tuple[Live, str, list[dict[str, Any]]],
) -> None:
    live, tag, rows = dataset
    body = get(
        live,
        "/api/9999/associates",
        **{"$filter": tagged(tag), "$orderBy": "city desc,creditLimit,associateNo desc"},
    )

    # Stable sorts, least significant key first: key descending, creditLimit ascending,
    # city descending with nulls last (code-point order).
    expected = sorted(rows, key=lambda r: r["associateNo"], reverse=True)
    expected.sort(key=lambda r: as_decimal(r["creditLimit"]))
    with_city = sorted(
        (r for r in expected if r["city"] is not None), key=lambda r: r["city"], reverse=True
    )
    expected = with_city + [r for r in expected if r["city"] is None]
    assert keys(body["value"]) == keys(expected)


def test_select_top_skip_and_count(dataset: tuple[Live, str, list[dict[str, Any]]]) -> None:
    live, tag, rows = dataset
    body = get(
        live,
        "/api/9999/associates",
        **{
            "$filter": tagged(tag),
            "$select": "associateNo,name",
            "$top": "5",
            "$skip": "3",
            "$count": "true",
        },
    )
    expected = sorted(rows, key=lambda r: r["associateNo"])[3:8]
    assert body["@odata.count"] == len(rows)
    assert [set(v) for v in body["value"]] == [{"@odata.etag", "associateNo", "name"}] * 5
    assert [v["name"] for v in body["value"]] == [r["name"] for r in expected]
    assert "@odata.nextLink" not in body


def test_dollar_count_is_plain_text(dataset: tuple[Live, str, list[dict[str, Any]]]) -> None:
    live, tag, rows = dataset
    with live.client() as client:
        response = client.get(
            "/api/9999/associates/$count", params={"$filter": tagged(tag, "city eq 'Oslo'")}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == str(sum(1 for r in rows if r["city"] == "Oslo"))


def test_cursor_walk_with_top_and_max_page_size(
    dataset: tuple[Live, str, list[dict[str, Any]]],
) -> None:
    live, tag, rows = dataset
    expected = sorted(rows, key=lambda r: (r["name"], r["associateNo"]))[:17]
    seen: list[int] = []
    pages = 0
    with live.client() as client:
        response = client.get(
            "/api/9999/associates",
            params={"$filter": tagged(tag), "$orderby": "name", "$top": "17"},
            headers={"Prefer": "odata.maxpagesize=5"},
        )
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            pages += 1
            assert len(body["value"]) <= 5
            seen.extend(keys(body["value"]))
            link = body.get("@odata.nextLink")
            if link is None:
                assert "link" not in response.headers
                break
            assert response.headers["link"] == f'<{link}>; rel="next"'
            assert "$skiptoken=" in link
            response = client.get(link, headers={"Prefer": "odata.maxpagesize=5"})
    assert seen == keys(expected)
    assert pages == 4


def test_visma_paging_with_metadata(dataset: tuple[Live, str, list[dict[str, Any]]]) -> None:
    live, tag, rows = dataset
    ordered = sorted(rows, key=lambda r: r["associateNo"])
    body = get(
        live,
        "/api/9999/associates",
        **{"$filter": tagged(tag), "pageSize": "10", "PageNumber": "2"},
    )
    assert keys(body["value"]) == keys(ordered[10:20])
    assert body["metadata"] == {"totalCount": len(rows), "maxPageSize": 1000}
    assert "pageNumber=3" in body["@odata.nextLink"]
    last = get(
        live,
        "/api/9999/associates",
        **{"$filter": tagged(tag), "pageSize": "10", "pageNumber": "3"},
    )
    assert keys(last["value"]) == keys(ordered[20:])
    assert "@odata.nextLink" not in last


def test_last_modified_condition(dataset: tuple[Live, str, list[dict[str, Any]]]) -> None:
    live, tag, rows = dataset
    ordered = sorted(rows, key=lambda r: r["associateNo"])
    middle = ordered[12]["lastModifiedDateTime"]
    body = get(
        live,
        "/api/9999/associates",
        **{
            "$filter": tagged(tag),
            "lastModifiedDateTime": middle,
            "lastModifiedDateTimeCondition": ">=",
        },
    )
    expected = [r for r in ordered if r["lastModifiedDateTime"] >= middle]
    assert keys(body["value"]) == keys(expected)


def test_list_etag_and_if_none_match(dataset: tuple[Live, str, list[dict[str, Any]]]) -> None:
    live, tag, _ = dataset
    params = {"$filter": tagged(tag)}
    with live.client() as client:
        first = client.get("/api/9999/associates", params=params)
        etag = first.headers["etag"]
        again = client.get("/api/9999/associates", params=params, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.headers["etag"] == etag
        other = client.get(
            "/api/9999/associates",
            params={"$filter": tagged(tag, "isBlocked")},
            headers={"If-None-Match": etag},
        )
        assert other.status_code == 200


BAD: list[tuple[dict[str, str], str]] = [
    ({"$filter": "nosuchfield eq 1"}, "nosuchfield"),
    ({"$filter": "name eq 1"}, "name"),
    ({"$filter": "creditLimit eq 'x'"}, "creditLimit"),
    ({"$filter": "name eq"}, "malformed"),
    ({"$filter": "name eq 'unterminated"}, "malformed"),
    ({"$filter": "isBlocked gt true"}, "booleans"),
    ({"$filter": "city gt null"}, "null"),
    ({"$filter": "associateNo eq 1.5"}, "whole number"),
    ({"$filter": "associateNo eq 99999999999999999999"}, "range"),
    ({"$filter": "createdDateTime gt 2024-01-01T00:00:00"}, "time zone"),
    ({"$filter": "substring(name, 1) eq 'a'"}, "substring"),
    ({"$filter": "creditLimit add 1 eq 2"}, "arithmetic"),
    ({"$filter": "nowhere/name eq 'x'"}, "nowhere"),
    ({"$filter": "currency/nosuch eq 'x'"}, "nosuch"),
    ({"$filter": "not " * 30 + "isBlocked"}, "deeper"),
    ({"$filter": "name eq '" + "x" * 3000 + "'"}, "longer"),
    ({"$select": "nosuch"}, "nosuch"),
    ({"$orderby": "nosuch desc"}, "nosuch"),
    ({"$orderby": "name sideways"}, "$orderby"),
    ({"$expand": "nosuch"}, "nosuch"),
    ({"$top": "-1"}, "$top"),
    ({"$count": "maybe"}, "$count"),
    ({"$skiptoken": "forged.token"}, "$skiptoken"),
    ({"pageSize": "0"}, "pageSize"),
    ({"pageNumber": "2"}, "pageNumber"),
    ({"pageSize": "5", "$skip": "1"}, "pageSize"),
    ({"lastModifiedDateTime": "yesterday"}, "lastModifiedDateTime"),
    ({"lastModifiedDateTime": "2024-01-01", "lastModifiedDateTimeCondition": "~"}, "Condition"),
    ({"$search": "x"}, "$search"),
]


@pytest.mark.parametrize(("params", "named"), BAD, ids=[str(b[0])[:60] for b in BAD])
def test_bad_options_are_400_naming_the_part(
    live: Live, params: dict[str, str], named: str
) -> None:
    with live.client() as client:
        response = client.get("/api/9999/associates", params=params)
    body = assert_problem(response, 400, "LP105")
    assert named.lower() in str(body["detail"]).lower()


def test_skiptoken_is_bound_to_its_filter(dataset: tuple[Live, str, list[dict[str, Any]]]) -> None:
    live, tag, _ = dataset
    body = get(
        live,
        "/api/9999/associates",
        **{"$filter": tagged(tag), "$top": "30", "$orderby": "name"},
    )
    with live.client() as client:
        first = client.get(
            "/api/9999/associates",
            params={"$filter": tagged(tag)},
            headers={"Prefer": "odata.maxpagesize=3"},
        )
        token = first.json()["@odata.nextLink"].split("$skiptoken=")[1]
        other = client.get(
            "/api/9999/associates",
            params={"$filter": tagged(tag, "isBlocked"), "$skiptoken": token},
        )
    assert_problem(other, 400, "LP105")
    assert len(body["value"]) == 24


def test_expand_lines_and_customer(live: Live) -> None:
    tag, rows = make_rows(live, 2)
    customer = rows[1]
    assert customer["customerNo"] is not None
    with live.client() as client:
        order = client.post(
            "/api/9999/orders", json={"customerNo": customer["customerNo"], "yourReference": tag}
        ).json()
        for i in range(3):
            client.post(
                "/api/9999/orderlines",
                json={"orderNo": order["orderNo"], "description": f"l{i}", "quantity": 1.5},
            )
        empty = client.post(
            "/api/9999/orders", json={"customerNo": customer["customerNo"], "yourReference": tag}
        ).json()
        body = client.get(
            "/api/9999/orders",
            params={"$filter": f"yourReference eq '{tag}'", "$expand": "lines,customer"},
        ).json()
    first, second = body["value"]
    assert first["orderNo"] == order["orderNo"]
    assert second["orderNo"] == empty["orderNo"]
    assert [line["description"] for line in first["lines"]] == ["l0", "l1", "l2"]
    assert second["lines"] == []
    assert first["customer"]["associateNo"] == customer["associateNo"]
    assert first["customer"]["name"] == customer["name"]


STRANGE = [
    {"$filter": "name eq 'a\x00b'"},
    {"$filter": "contains(name, 'a\x00b')"},
    {"$filter": "city in ('a\x00', 'b')"},
    {"$filter": "createdDateTime gt 9999-12-31T23:59:59-05:00"},
    {"$filter": "createdDateTime gt 0001-01-01T00:00:00+05:00"},
    {"lastModifiedDateTime": "9999-12-31T23:59:59-05:00"},
    {"$filter": "1 eq 1"},
    {"$filter": "'a' lt 'b'"},
    {"$filter": "length(name) eq 99999999999999999999"},
    {"$filter": "creditLimit gt 1e400"},
    {"$filter": "creditLimit gt 0.000000000000000000001"},
    {"$filter": "contains(name, '%_\\')"},
    {"pageSize": "1000000", "pageNumber": "999999999999"},
    {"$top": "999999999999", "$skip": "999999999999"},
    {"$expand": "lines"},
    {"$select": "*"},
    {"$orderby": "createdDateTime desc,name,creditLimit desc"},
]


@pytest.mark.parametrize("params", STRANGE, ids=[str(p)[:50] for p in STRANGE])
def test_strange_options_never_500(live: Live, params: dict[str, str]) -> None:
    with live.client() as client:
        response = client.get("/api/9999/associates", params=params)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.headers["content-type"] == "application/problem+json"
