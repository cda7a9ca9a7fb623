"""Golden tests: list JSON built by the database equals, byte for byte, the JSON Python
encodes for the same entities, on SQLite and on PostgreSQL (hence the two databases answer
the same bytes)."""

from __future__ import annotations

import uuid

from conftest import Live
from feature.helpers import unique_no

TRICKY = 'Q "quoted" \\ back\nline\ttab Æøå ✓ 😀 </script>'


def test_list_rows_are_the_entity_bytes(live: Live) -> None:
    tag = f"g-{uuid.uuid4().hex[:8]}"
    with live.client() as client:
        bodies = [
            {"name": TRICKY, "creditLimit": -1234.05, "isBlocked": True, "notes": tag},
            {"name": "Plain", "creditLimit": 0.5, "city": "Ås", "notes": tag, "email": None},
            {"name": "Zero", "creditLimit": 0, "notes": tag, "customerNo": 9_007_199_254_740_991},
        ]
        # POST answers are encoded by Python (msgspec); GET and lists by the database.
        created = [client.post("/api/9999/associates", json=b) for b in bodies]
        singles = [client.get(f"/api/9999/associates/{c.json()['associateNo']}") for c in created]
        assert [s.content for s in singles] == [c.content for c in created]
        listed = client.get("/api/9999/associates", params={"$filter": f"notes eq '{tag}'"})
    assert listed.status_code == 200
    expected = b'{"value":[' + b",".join(c.content for c in created) + b"]}"
    assert listed.content == expected


def test_selected_fields_exact_bytes(live: Live) -> None:
    tag = f"g-{uuid.uuid4().hex[:8]}"
    with live.client() as client:
        made = client.post(
            "/api/9999/associates",
            json={"name": TRICKY, "creditLimit": -1234.05, "isBlocked": True, "notes": tag},
        )
        etag = made.headers["etag"]
        listed = client.get(
            "/api/9999/associates",
            params={"$filter": f"notes eq '{tag}'", "$select": "name,creditLimit,isBlocked,city"},
        )
    name = TRICKY.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    name = name.replace("\t", "\\t")
    tag_json = etag.replace('"', '\\"')
    expected = (
        f'{{"value":[{{"@odata.etag":"{tag_json}","name":"{name}",'
        '"creditLimit":-1234.05,"isBlocked":true,"city":null}]}'
    ).encode()
    assert listed.content == expected


def test_expanded_lines_are_the_entity_bytes(live: Live) -> None:
    tag = f"g-{uuid.uuid4().hex[:8]}"
    with live.client() as client:
        customer_no = unique_no()
        customer = client.post(
            "/api/9999/associates", json={"name": "Golden AS", "customerNo": customer_no}
        )
        assert customer.status_code == 201, customer.text
        order = client.post(
            "/api/9999/orders",
            json={"customerNo": customer_no, "yourReference": tag, "orderDate": "2026-02-28"},
        ).json()
        posted = [
            client.post(
                "/api/9999/orderlines",
                json={"orderNo": order["orderNo"], "quantity": q, "unitPrice": p},
            )
            for q, p in ((1.5, 10.05), (-2, 0), (3.125, 99999.99))
        ]
        order_bytes = client.get(f"/api/9999/orders/{order['orderNo']}").content
        line_bytes = [line.content for line in posted]
        listed = client.get(
            "/api/9999/orders",
            params={"$filter": f"yourReference eq '{tag}'", "$expand": "lines"},
        )
    expected = b'{"value":[' + order_bytes[:-1] + b',"lines":[' + b",".join(line_bytes) + b"]}]}"
    assert listed.content == expected
