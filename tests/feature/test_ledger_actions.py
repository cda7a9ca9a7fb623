"""Credit notes, supplier invoices, payments and actions that fail half-way."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from conftest import Live
from feature.business_setup import ensure_ledger, make_customer, make_product
from feature.helpers import assert_problem
from feature.test_changelog import last_seq, log_rows
from ledgerport.codec import decode


@pytest.fixture(scope="module", autouse=True)
def ledger(live: Live) -> None:
    with live.client("admin") as client:
        ensure_ledger(client)


def _released_invoice(client: httpx.Client) -> dict[str, object]:
    customer = make_customer(client)
    product = make_product(client, "80.00", 3)
    created = client.post(
        "/api/9999/customerinvoices",
        json={
            "customerNo": customer["customerNo"],
            "lines": [{"productNo": product, "quantity": 5}],
        },
    )
    assert created.status_code == 201, created.text
    number = created.json()["invoiceNo"]
    released = client.post(f"/api/9999/customerinvoices/{number}/actions/release")
    assert released.status_code == 200, released.text
    body = released.json()
    assert isinstance(body, dict)
    return body


def _open_item(client: httpx.Client, resource: str, invoice_no: object) -> dict[str, object]:
    items = client.get(f"/api/9999/{resource}?$top=1000").json()["value"]
    found = next(i for i in items if i["invoiceNo"] == invoice_no)
    assert isinstance(found, dict)
    return found


def test_payments_settle_partly_then_fully(live: Live) -> None:
    with live.client() as client:
        invoice = _released_invoice(client)
        assert invoice["grossAmount"] == 500
        pay = {
            "paymentDate": "2026-12-01",
            "customerNo": invoice["customerNo"],
            "invoiceNo": invoice["invoiceNo"],
        }
        part = client.post("/api/9999/payments", json={**pay, "amount": 120.5})
        assert part.status_code == 201, part.text
        item = _open_item(client, "customeropenitems", invoice["invoiceNo"])
        assert Decimal(str(item["remainingAmount"])) == Decimal("379.50")
        assert item["isSettled"] is False
        too_much = client.post("/api/9999/payments", json={**pay, "amount": 400})
        assert_problem(too_much, 422, "LP409")
        rest = client.post("/api/9999/payments", json={**pay, "amount": 379.5})
        assert rest.status_code == 201, rest.text
        item = _open_item(client, "customeropenitems", invoice["invoiceNo"])
        assert item["remainingAmount"] == 0
        assert item["isSettled"] is True
        voucher = client.get(f"/api/9999/vouchers/{rest.json()['voucherNo']}?$expand=lines").json()
        assert [
            (v["accountNo"], v["debitAmount"], v["creditAmount"]) for v in voucher["lines"]
        ] == [
            (1920, 379.5, 0),
            (1500, 0, 379.5),
        ]


def test_credit_note_reverses_a_released_invoice(live: Live) -> None:
    with live.client() as client:
        invoice = _released_invoice(client)
        path = f"/api/9999/customerinvoices/{invoice['invoiceNo']}"
        credited = client.post(f"{path}/actions/credit")
        assert credited.status_code == 201, credited.text
        note = credited.json()
        assert note["status"] == "released"
        assert note["creditedInvoiceNo"] == invoice["invoiceNo"]
        assert note["grossAmount"] == -500
        assert client.get(path).json()["status"] == "credited"
        voucher = client.get(f"/api/9999/vouchers/{note['voucherNo']}?$expand=lines").json()
        receivable = next(v for v in voucher["lines"] if v["accountNo"] == 1500)
        assert receivable["creditAmount"] == 500
        own = _open_item(client, "customeropenitems", invoice["invoiceNo"])
        credit = _open_item(client, "customeropenitems", note["invoiceNo"])
        assert (own["remainingAmount"], own["isSettled"]) == (0, True)
        assert (credit["amount"], credit["remainingAmount"]) == (-500, 0)
        assert_problem(client.post(f"{path}/actions/credit"), 422, "LP409")


def test_supplier_invoice_approval_posts_payables(live: Live) -> None:
    with live.client() as client:
        supplier = client.post(
            "/api/9999/associates", json={"name": "Bønner AS", "supplierNo": "next"}
        ).json()
        created = client.post(
            "/api/9999/supplierinvoices",
            json={
                "supplierNo": supplier["supplierNo"],
                "invoiceDate": "2026-11-30",
                "lines": [{"accountNo": 4000, "amount": 1000, "vatCode": 1}],
            },
        )
        assert created.status_code == 201, created.text
        assert created.json()["supplierName"] == "Bønner AS"
        assert created.json()["grossAmount"] == 1250
        path = f"/api/9999/supplierinvoices/{created.json()['invoiceNo']}"
        approved = client.post(f"{path}/actions/approve")
        assert approved.status_code == 200, approved.text
        voucher = client.get(
            f"/api/9999/vouchers/{approved.json()['voucherNo']}?$expand=lines"
        ).json()
        lines = {v["accountNo"]: (v["debitAmount"], v["creditAmount"]) for v in voucher["lines"]}
        assert lines == {4000: (1000, 0), 2710: (250, 0), 2400: (0, 1250)}
        item = _open_item(client, "supplieropenitems", created.json()["invoiceNo"])
        assert item["remainingAmount"] == 1250
        assert_problem(client.put(path, json={"supplierNo": supplier["supplierNo"]}), 409, "LP408")


def test_an_action_failing_half_way_leaves_nothing_behind(live: Live) -> None:
    """Company 1000 has no chart of accounts: the voucher line on 1500 fails after the voucher."""
    with live.client("admin") as client:
        made = client.post(
            "/api/1000/vatcodes", json={"vatCode": 5, "description": "Fritatt", "rate": 0}
        )
        assert made.status_code in (201, 409)
        customer = client.post(
            "/api/1000/associates", json={"name": "Kunde AS", "customerNo": "next"}
        ).json()
        invoice = client.post(
            "/api/1000/customerinvoices",
            json={
                "customerNo": customer["customerNo"],
                "lines": [
                    {"description": "Rådgivning", "quantity": 2, "unitPrice": 900, "vatCode": 5}
                ],
            },
        ).json()
        path = f"/api/1000/customerinvoices/{invoice['invoiceNo']}"
        failed = client.post(f"{path}/actions/release")
        assert_problem(failed, 422, "LP402")
        after = client.get(path).json()
        assert after["status"] == "draft"
        assert after["voucherNo"] is None
        assert after["@odata.etag"] == invoice["@odata.etag"]
        assert client.get("/api/1000/vouchers").json()["value"] == []
        assert client.get("/api/1000/customeropenitems").json()["value"] == []
        assert client.get("/api/1000/numberseries/vouchers.voucherNo").status_code == 404


def test_actions_are_checked_like_other_paths(live: Live) -> None:
    with live.client("bob") as client:
        assert_problem(client.post("/api/9999/orders/1/actions/invoice"), 403, "LP303")
    with live.client() as client:
        assert_problem(client.post("/api/9999/orders/1/actions/explode"), 404, "LP206")
        assert_problem(client.get("/api/9999/orders/1/actions/invoice"), 405, "LP205")
        assert_problem(client.post("/api/9999/orders/999999/actions/invoice"), 404, "LP202")


def test_release_logs_every_row_and_the_action(live: Live) -> None:
    start = last_seq(live)
    with live.client() as client:
        invoice = _released_invoice(client)
    rows = log_rows(live, start)
    events = {(r["resource"], r["operation"]) for r in rows}
    assert ("customerinvoices", "released") in events
    assert {
        ("vouchers", "created"),
        ("voucherlines", "created"),
        ("customeropenitems", "created"),
        ("customerinvoices", "updated"),
    } <= events
    released = next(r for r in rows if r["operation"] == "released")
    assert decode(str(released["entity_key"]).encode()) == {"invoiceNo": invoice["invoiceNo"]}
    assert released["username"] == "alice"
    voucher_lines = [r for r in rows if r["resource"] == "voucherlines"]
    assert len(voucher_lines) == 3  # receivables, revenue, output VAT
