"""The new user's walk: customer "next" → order with lines → invoice → release → ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import Live
from feature.business_setup import ensure_ledger, make_customer, make_product, make_terms
from feature.helpers import assert_problem


@pytest.fixture(scope="module", autouse=True)
def ledger(live: Live) -> None:
    with live.client("admin") as client:
        ensure_ledger(client)


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


def test_order_to_released_invoice_posts_a_balanced_voucher(live: Live) -> None:
    with live.client() as client:
        terms = make_terms(client, 14)
        customer = make_customer(client, paymentTermsNo=terms)
        assert isinstance(customer["customerNo"], int)
        coffee = make_product(client, "189.50", 31)
        cups = make_product(client, "45.00", 3)
        order = client.post(
            "/api/9999/orders",
            json={
                "customerNo": customer["customerNo"],
                "lines": [
                    {"productNo": coffee, "quantity": 3},
                    {"productNo": cups, "quantity": 7},
                ],
            },
        )
        assert order.status_code == 201, order.text
        body = order.json()
        assert body["customerName"] == "Fjord Fisk AS"
        assert body["invoiceCity"] == "Bergen"
        assert body["paymentTermsNo"] == terms
        assert [line["lineNo"] for line in body["lines"]] == [1, 2]
        assert body["lines"][0]["unitPrice"] == 189.5
        assert body["lines"][0]["description"] == f"Kaffe {coffee}"
        # 3 x 189.50 = 568.50 at 15 %, 7 x 45 = 315.00 at 25 %
        assert _dec(body["netAmount"]) == Decimal("883.50")
        assert _dec(body["vatAmount"]) == Decimal("85.28") + Decimal("78.75")
        assert _dec(body["grossAmount"]) == Decimal("1047.53")
        order_no = body["orderNo"]
        expanded = client.get(f"/api/9999/orders/{order_no}?$expand=lines").json()
        assert len(expanded["lines"]) == 2

        invoiced = client.post(f"/api/9999/orders/{order_no}/actions/invoice")
        assert invoiced.status_code == 201, invoiced.text
        invoice = invoiced.json()
        assert invoiced.headers["location"].endswith(
            f"/api/9999/customerinvoices/{invoice['invoiceNo']}"
        )
        assert invoice["status"] == "draft"
        assert _dec(invoice["grossAmount"]) == Decimal("1047.53")
        assert client.get(f"/api/9999/orders/{order_no}").json()["status"] == "invoiced"

        path = f"/api/9999/customerinvoices/{invoice['invoiceNo']}"
        released = client.post(f"{path}/actions/release")
        assert released.status_code == 200, released.text
        done = released.json()
        assert done["status"] == "released"
        voucher = client.get(f"/api/9999/vouchers/{done['voucherNo']}?$expand=lines").json()
        debit = sum(_dec(line["debitAmount"]) for line in voucher["lines"])
        credit = sum(_dec(line["creditAmount"]) for line in voucher["lines"])
        assert debit == credit == Decimal("1047.53")
        by_account = {line["accountNo"]: line for line in voucher["lines"]}
        assert _dec(by_account[1500]["debitAmount"]) == Decimal("1047.53")
        assert _dec(by_account[2701]["creditAmount"]) == Decimal("85.28")
        assert _dec(by_account[2700]["creditAmount"]) == Decimal("78.75")
        items = client.get("/api/9999/customeropenitems?$top=1000").json()["value"]
        item = next(i for i in items if i["invoiceNo"] == invoice["invoiceNo"])
        assert _dec(item["amount"]) == _dec(item["remainingAmount"]) == Decimal("1047.53")

        assert_problem(client.patch(path, json={"notes": "late change"}), 409, "LP408")
        assert_problem(client.delete(path), 409, "LP408")
        assert_problem(client.post(f"{path}/actions/release"), 409, "LP408")
        line = f"/api/9999/customerinvoicelines/{invoice['invoiceNo']}/1"
        assert_problem(client.patch(line, json={"quantity": 1}), 409, "LP408")
        extra = {"invoiceNo": invoice["invoiceNo"], "description": "extra"}
        assert_problem(client.post("/api/9999/customerinvoicelines", json=extra), 409, "LP408")
        assert _dec(client.get(path).json()["grossAmount"]) == Decimal("1047.53")
