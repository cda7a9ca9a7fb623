"""Derivations declared in the model, explicit values winning, and $assignOrder."""

from __future__ import annotations

import pytest

from conftest import Live
from feature.business_setup import ensure_ledger, make_customer, make_product, make_terms
from feature.helpers import assert_problem


@pytest.fixture(scope="module", autouse=True)
def ledger(live: Live) -> None:
    with live.client("admin") as client:
        ensure_ledger(client)


def test_customer_fills_the_order_and_explicit_values_win(live: Live) -> None:
    with live.client() as client:
        terms = make_terms(client, 10)
        customer = make_customer(client, paymentTermsNo=terms)
        derived = client.post("/api/9999/orders", json={"customerNo": customer["customerNo"]})
        assert derived.status_code == 201, derived.text
        order = derived.json()
        assert order["customerName"] == "Fjord Fisk AS"
        assert order["invoiceAddressLine1"] == "Bryggen 1"
        assert order["invoicePostCode"] == "5003"
        assert order["deliveryCity"] == "Bergen"
        assert order["invoiceCountryCode"] == "NO"
        assert order["currencyCode"] == "NOK"
        assert order["paymentTermsNo"] == terms
        explicit = client.post(
            "/api/9999/orders",
            json={
                "customerNo": customer["customerNo"],
                "customerName": "Other name",
                "currencyCode": "EUR",
            },
        ).json()
        assert explicit["customerName"] == "Other name"
        assert explicit["currencyCode"] == "EUR"
        assert explicit["invoiceCity"] == "Bergen"


def test_assign_order_lets_a_derivation_overwrite_an_earlier_value(live: Live) -> None:
    with live.client() as client:
        customer = make_customer(client)
        body = {"customerNo": customer["customerNo"], "currencyCode": "EUR"}
        model_order = client.post("/api/9999/orders", json=body)
        custom = client.post("/api/9999/orders?$assignOrder=currencyCode,customerNo", json=body)
        assert model_order.json()["currencyCode"] == "EUR"
        assert custom.status_code == 201, custom.text
        assert custom.json()["currencyCode"] == "NOK"
        assert_problem(
            client.post("/api/9999/orders?$assignOrder=nosuchfield", json=body), 400, "LP105"
        )


def test_product_fills_the_line_and_explicit_values_win(live: Live) -> None:
    with live.client() as client:
        customer = make_customer(client)
        product = make_product(client, "250.00", 3)
        order = client.post("/api/9999/orders", json={"customerNo": customer["customerNo"]}).json()
        line = client.post(
            "/api/9999/orderlines",
            json={"orderNo": order["orderNo"], "productNo": product, "quantity": 2},
        )
        assert line.status_code == 201, line.text
        assert line.json()["description"] == f"Kaffe {product}"
        assert line.json()["unit"] == "kg"
        assert line.json()["unitPrice"] == 250
        assert line.json()["vatCode"] == 3
        assert line.json()["netAmount"] == 500
        own = client.post(
            "/api/9999/orderlines",
            json={"orderNo": order["orderNo"], "productNo": product, "unitPrice": 199},
        ).json()
        assert own["unitPrice"] == 199
        overwritten = client.post(
            "/api/9999/orderlines?$assignOrder=unitPrice,productNo",
            json={"orderNo": order["orderNo"], "productNo": product, "unitPrice": 199},
        ).json()
        assert overwritten["unitPrice"] == 250
        totals = client.get(f"/api/9999/orders/{order['orderNo']}").json()
        assert totals["netAmount"] == 500 + 199 + 250
        assert totals["grossAmount"] == 949 * 1.25
        changed = client.patch(f"/api/9999/orderlines/{order['orderNo']}/1", json={"quantity": 1})
        assert changed.status_code == 200, changed.text
        assert client.get(f"/api/9999/orders/{order['orderNo']}").json()["netAmount"] == 699
        assert_problem(
            client.patch(f"/api/9999/orders/{order['orderNo']}", json={"netAmount": 1}),
            400,
            "LP203",
        )


def test_invoice_due_date_follows_payment_terms(live: Live) -> None:
    with live.client() as client:
        terms = make_terms(client, 30)
        customer = make_customer(client, paymentTermsNo=terms)
        invoice = client.post(
            "/api/9999/customerinvoices",
            json={"customerNo": customer["customerNo"], "invoiceDate": "2026-01-15"},
        )
        assert invoice.status_code == 201, invoice.text
        assert invoice.json()["dueDate"] == "2026-02-14"
        explicit = client.post(
            "/api/9999/customerinvoices",
            json={
                "customerNo": customer["customerNo"],
                "invoiceDate": "2026-01-15",
                "dueDate": "2026-01-20",
            },
        ).json()
        assert explicit["dueDate"] == "2026-01-20"


def test_deep_insert_with_a_bad_line_writes_nothing(live: Live) -> None:
    with live.client() as client:
        customer = make_customer(client)
        before = client.get("/api/9999/orders?$top=1000").json()["value"]
        bad = client.post(
            "/api/9999/orders",
            json={
                "customerNo": customer["customerNo"],
                "lines": [{"quantity": 1}, {"quantity": "many"}],
            },
        )
        body = assert_problem(bad, 400, "LP203")
        assert {e["field"] for e in body["errors"]} == {"lines[1].quantity"}  # type: ignore[union-attr]
        missing = client.post(
            "/api/9999/orders",
            json={"customerNo": customer["customerNo"], "lines": [{"productNo": "NOPE"}]},
        )
        assert_problem(missing, 422, "LP402")
        after = client.get("/api/9999/orders?$top=1000").json()["value"]
        assert len(after) == len(before)


def test_changing_the_customer_derives_again_except_what_the_body_sends(live: Live) -> None:
    with live.client() as client:
        first = make_customer(client)
        second = make_customer(client, name="Havbris AS", city="Tromsø", postCode="9008")
        order = client.post("/api/9999/orders", json={"customerNo": first["customerNo"]}).json()
        path = f"/api/9999/orders/{order['orderNo']}"
        moved = client.patch(path, json={"customerNo": second["customerNo"]})
        assert moved.status_code == 200, moved.text
        assert (moved.json()["customerName"], moved.json()["invoiceCity"]) == (
            "Havbris AS",
            "Tromsø",
        )
        back = client.patch(
            path, json={"customerNo": first["customerNo"], "customerName": "Kept name"}
        ).json()
        assert (back["customerName"], back["invoiceCity"]) == ("Kept name", "Bergen")
        terms = make_terms(client, 45)
        invoice = client.post(
            "/api/9999/customerinvoices",
            json={"customerNo": first["customerNo"], "invoiceDate": "2026-03-01"},
        ).json()
        later = client.patch(
            f"/api/9999/customerinvoices/{invoice['invoiceNo']}", json={"paymentTermsNo": terms}
        ).json()
        assert later["dueDate"] == "2026-04-15"
