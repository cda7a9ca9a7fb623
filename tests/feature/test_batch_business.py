"""The seed's batch: a customer with "next", an invoice for it with a line, its release."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import Live
from feature.business_setup import ensure_ledger, make_product
from feature.test_batch import responses
from feature.test_changelog import last_seq, log_rows


@pytest.fixture(scope="module", autouse=True)
def ledger(live: Live) -> None:
    with live.client("admin") as client:
        ensure_ledger(client)


def seed_batch(product_no: str, quantity: object = 2) -> list[dict[str, object]]:
    return [
        {
            "id": "1",
            "method": "POST",
            "url": "9999/associates",
            "body": {"name": "Batch Kunde AS", "customerNo": "next", "city": "Tromsø"},
        },
        {
            "id": "2",
            "method": "POST",
            "url": "9999/customerinvoices",
            "body": {
                "customerNo": "$1.customerNo",
                "lines": [{"productNo": product_no, "quantity": quantity}],
            },
        },
        {"id": "3", "method": "POST", "url": "$2/actions/release"},
    ]


def test_the_seed_example_in_one_batch_releases_and_posts(live: Live) -> None:
    with live.client() as client:
        product = make_product(client, "250.00", 3)
        got = responses(client.post("/api/$batch", json={"requests": seed_batch(product)}))
        assert [got[i]["status"] for i in "123"] == [201, 201, 200], got
        customer_no = got["1"]["body"]["customerNo"]
        assert isinstance(customer_no, int)
        invoice = got["2"]["body"]
        assert invoice["customerNo"] == customer_no
        assert invoice["customerName"] == "Batch Kunde AS"
        released = got["3"]["body"]
        assert released["invoiceNo"] == invoice["invoiceNo"]
        assert released["status"] == "released"
        assert Decimal(str(released["grossAmount"])) == Decimal("625.00")
        voucher_no = released["voucherNo"]
        voucher = client.get(f"/api/9999/vouchers/{voucher_no}?$expand=lines").json()
        lines = voucher["lines"]
        debit = sum(Decimal(str(v["debitAmount"])) for v in lines)
        credit = sum(Decimal(str(v["creditAmount"])) for v in lines)
        assert debit == credit == Decimal("625.00")
        items = client.get("/api/9999/customeropenitems?$top=1000").json()["value"]
        mine = [i for i in items if i["invoiceNo"] == invoice["invoiceNo"]]
        assert [Decimal(str(i["remainingAmount"])) for i in mine] == [Decimal("625.00")]


def test_a_failing_release_in_an_atomicity_group_leaves_nothing_and_logs_nothing(
    live: Live,
) -> None:
    with live.client() as client:
        requests = seed_batch("NO-SUCH-PRODUCT")
        for request in requests:
            request["atomicityGroup"] = "all"
        start = last_seq(live)
        got = responses(client.post("/api/$batch", json={"requests": requests}))
        statuses = {i: got[i]["status"] for i in got}
        assert statuses["2"] in (400, 422), got["2"]
        assert statuses["1"] == 424
        assert "3" not in got or statuses["3"] == 424
        assert log_rows(live, start) == []  # no change, so no event either
