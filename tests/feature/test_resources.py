"""CRUD on data resources through real HTTPS, on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

from conftest import Live
from feature.helpers import assert_problem, unique_no


def create_customer(live: Live, **fields: object) -> dict[str, object]:
    body = {"name": "Fjord Fisk AS", "customerNo": unique_no(), "city": "Bergen", **fields}
    with live.client() as client:
        response = client.post("/api/9999/associates", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert isinstance(created, dict)
    return created


def test_create_answers_201_with_whole_entity_location_and_etag(live: Live) -> None:
    customer_no = unique_no()
    with live.client() as client:
        response = client.post(
            "/api/9999/associates",
            json={"name": "Nordlys Handel AS", "customerNo": customer_no, "creditLimit": 1234.50},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["customerNo"] == customer_no
        assert isinstance(body["associateNo"], int)
        assert body["isBlocked"] is False
        assert body["email"] is None
        assert b'"creditLimit":1234.50' in response.content
        assert body["createdDateTime"].endswith("Z")
        assert body["createdDateTime"] == body["lastModifiedDateTime"]
        location = response.headers["location"]
        assert location == f"{live.url}/api/9999/associates/{body['associateNo']}"
        assert response.headers["etag"] == body["@odata.etag"]
        fetched = client.get(location)
        assert fetched.status_code == 200
        assert fetched.json() == body


def test_omitted_keys_get_the_next_free_number(live: Live) -> None:
    first = create_customer(live)
    second = create_customer(live)
    assert second["associateNo"] == first["associateNo"] + 1  # type: ignore[operator]


def test_composite_keys_are_path_segments(live: Live) -> None:
    customer = create_customer(live)
    with live.client() as client:
        order = client.post("/api/9999/orders", json={"customerNo": customer["customerNo"]})
        assert order.status_code == 201, order.text
        order_no = order.json()["orderNo"]
        lines = [
            client.post(
                "/api/9999/orderlines",
                json={"orderNo": order_no, "description": f"line {i}", "quantity": 2},
            )
            for i in range(2)
        ]
        assert [r.status_code for r in lines] == [201, 201]
        assert [r.json()["lineNo"] for r in lines] == [1, 2]
        assert lines[1].headers["location"].endswith(f"/api/9999/orderlines/{order_no}/2")
        got = client.get(f"/api/9999/orderlines/{order_no}/2")
        assert got.status_code == 200
        assert got.json()["description"] == "line 1"
        assert got.json()["quantity"] == 2
        assert client.get(f"/api/9999/orderlines/{order_no}").status_code == 404


def test_a_slash_inside_a_string_key_stays_one_segment(live: Live) -> None:
    product_no = f"A/{unique_no()}"
    with live.client() as client:
        created = client.post(
            "/api/9999/products", json={"productNo": product_no, "description": "Bolt M8/40"}
        )
        assert created.status_code == 201, created.text
        assert created.headers["location"].endswith(
            f"/api/9999/products/{quote(product_no, safe='')}"
        )
        got = client.get(f"/api/9999/products/{quote(product_no, safe='')}")
        assert got.status_code == 200
        assert got.json()["productNo"] == product_no


def test_put_replaces_and_patch_merges(live: Live) -> None:
    customer = create_customer(live, email="post@fjord.no", phone="+47 55 00 00 00")
    path = f"/api/9999/associates/{customer['associateNo']}"
    with live.client() as client:
        patched = client.patch(path, json={"city": "Ålesund"})
        assert patched.status_code == 200, patched.text
        assert patched.json()["city"] == "Ålesund"
        assert patched.json()["email"] == "post@fjord.no"
        assert patched.json()["lastModifiedDateTime"] > customer["lastModifiedDateTime"]  # type: ignore[operator]
        assert patched.json()["createdDateTime"] == customer["createdDateTime"]
        put = client.put(
            path, json={"name": "Fjord Fisk ASA", "customerNo": customer["customerNo"]}
        )
        assert put.status_code == 200, put.text
        assert put.json()["name"] == "Fjord Fisk ASA"
        assert put.json()["email"] is None
        assert put.json()["creditLimit"] == 0


def test_get_then_put_round_trips_read_only_fields(live: Live) -> None:
    customer = create_customer(live)
    path = f"/api/9999/associates/{customer['associateNo']}"
    with live.client() as client:
        current = client.get(path).json()
        current["name"] = "Round Trip AS"
        response = client.put(path, json=current)
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Round Trip AS"
        current["createdDateTime"] = "2001-01-01T00:00:00Z"
        assert_problem(client.put(path, json=current), 400, "LP203")


def test_delete_answers_204_then_404(live: Live) -> None:
    customer = create_customer(live)
    path = f"/api/9999/associates/{customer['associateNo']}"
    with live.client() as client:
        assert client.delete(path).status_code == 204
        assert_problem(client.get(path), 404, "LP202")
        assert_problem(client.delete(path), 404, "LP202")


def test_prefer_return_minimal_answers_204(live: Live) -> None:
    with live.client() as client:
        response = client.post(
            "/api/9999/associates",
            json={"name": "Minimal AS"},
            headers={"Prefer": "return=minimal"},
        )
        assert response.status_code == 204
        assert response.content == b""
        assert response.headers["location"].startswith(f"{live.url}/api/9999/associates/")
        assert response.headers["preference-applied"] == "return=minimal"
        assert client.get(response.headers["location"]).json()["name"] == "Minimal AS"


def test_list_pages_with_top_and_skip(live: Live) -> None:
    for _ in range(3):
        create_customer(live)
    with live.client() as client:
        everything = client.get("/api/9999/associates", params={"$top": 1000}).json()["value"]
        keys = [a["associateNo"] for a in everything]
        assert keys == sorted(keys)
        assert len(keys) >= 3
        page = client.get("/api/9999/associates", params={"$top": 2, "$skip": 1}).json()
        assert [a["associateNo"] for a in page["value"]] == keys[1:3]
        assert "@odata.nextLink" not in page
        upper = client.get("/api/9999/associates", params={"$TOP": 1}).json()
        assert [a["associateNo"] for a in upper["value"]] == keys[:1]


def test_next_link_walks_the_whole_list(live: Live) -> None:
    for _ in range(3):
        create_customer(live)
    with live.client() as client:
        expected = [
            a["associateNo"]
            for a in client.get("/api/9999/associates", params={"$top": 1000}).json()["value"]
        ]
        seen: list[int] = []
        url: str | None = "/api/9999/associates?$top=1000"
        pages = 0
        while url:
            response = client.get(url, headers={"Prefer": ""})
            assert response.status_code == 200
            body = response.json()
            seen.extend(a["associateNo"] for a in body["value"])
            url = body.get("@odata.nextLink")
            if url:
                assert response.headers["link"] == f'<{url}>; rel="next"'
            pages += 1
            assert pages < 100
        assert seen == expected


def test_sys_and_catalog_resources(live: Live) -> None:
    product_no = f"CAT-{unique_no()}"
    with live.client("admin") as admin:
        created = admin.post(
            "/api/catalog/products", json={"productNo": product_no, "description": "Pallet"}
        )
        assert created.status_code == 201, created.text
        assert created.headers["location"] == f"{live.url}/api/catalog/products/{product_no}"
        company = admin.get("/api/sys/companies/9999")
        assert company.status_code == 200
        assert company.json()["name"] == "Test 9999 AS"
    with live.client("alice") as alice:
        assert_problem(alice.get("/api/sys/companies"), 403, "LP302")
        assert_problem(alice.get(f"/api/catalog/products/{product_no}"), 403, "LP302")
