"""Ledger set-up the business tests share: accounts, VAT codes, terms, products, customers."""

from __future__ import annotations

import httpx

from feature.helpers import unique_no

ACCOUNTS = [
    (1500, "Kundefordringer", "asset"),
    (1920, "Bankinnskudd", "asset"),
    (2400, "Leverandørgjeld", "liability"),
    (2700, "Utgående mva, høy sats", "liability"),
    (2701, "Utgående mva, middels sats", "liability"),
    (2710, "Inngående mva, høy sats", "liability"),
    (3000, "Salgsinntekt", "revenue"),
    (4000, "Varekjøp", "expense"),
]
VAT_CODES = [
    {"vatCode": 3, "description": "Utgående 25 %", "rate": 25, "outputVatAccountNo": 2700},
    {"vatCode": 31, "description": "Utgående 15 %", "rate": 15, "outputVatAccountNo": 2701},
    {"vatCode": 1, "description": "Inngående 25 %", "rate": 25, "inputVatAccountNo": 2710},
]


def ensure_ledger(client: httpx.Client, company: int = 9999) -> None:
    """Accounts and VAT codes, created once per database (a 409 means they exist)."""
    for vat in VAT_CODES:
        vat_body = {k: v for k, v in vat.items() if not k.endswith("AccountNo")}
        response = client.post(f"/api/{company}/vatcodes", json=vat_body)
        assert response.status_code in (201, 409), response.text
    for number, name, kind in ACCOUNTS:
        response = client.post(
            f"/api/{company}/accounts",
            json={"accountNo": number, "name": name, "accountType": kind},
        )
        assert response.status_code in (201, 409), response.text
    for vat in VAT_CODES:
        accounts = {k: v for k, v in vat.items() if k.endswith("AccountNo")}
        response = client.patch(f"/api/{company}/vatcodes/{vat['vatCode']}", json=accounts)
        assert response.status_code == 200, response.text
    ensure_series(client)


SERIES = {
    "associates.customerNo": (500_000, 599_999),
    "associates.supplierNo": (600_000, 649_999),
}
"""Intervals for "next" in tests, clear of the explicit numbers of ``unique_no``."""


def ensure_series(client: httpx.Client) -> None:
    """Put the "next" series of company 9999 in their test intervals (once per database)."""
    for field, (first, last) in SERIES.items():
        path = f"/api/9999/numberseries/{field}"
        current = client.get(path)
        wanted = {"fromNo": first, "toNo": last}
        if current.status_code == 404:
            response = client.post(
                "/api/9999/numberseries", json={"field": field, "nextNo": first, **wanted}
            )
        elif not first <= current.json()["nextNo"] <= last + 1:
            response = client.patch(path, json={"nextNo": first, **wanted})
        else:
            continue
        assert response.status_code in (200, 201), response.text


def make_terms(client: httpx.Client, days: int = 14) -> int:
    response = client.post(
        "/api/9999/paymentterms", json={"description": f"{days} days net", "netDays": days}
    )
    assert response.status_code == 201, response.text
    number = response.json()["paymentTermsNo"]
    assert isinstance(number, int)
    return number


def make_customer(client: httpx.Client, **fields: object) -> dict[str, object]:
    body = {
        "customerNo": "next",
        "name": "Fjord Fisk AS",
        "addressLine1": "Bryggen 1",
        "postCode": "5003",
        "city": "Bergen",
        "countryCode": "NO",
        "currencyCode": "NOK",
        **fields,
    }
    response = client.post("/api/9999/associates", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert isinstance(created, dict)
    return created


def make_product(client: httpx.Client, price: str = "100.00", vat: int = 3) -> str:
    product_no = f"P-{unique_no()}"
    response = client.post(
        "/api/9999/products",
        content=(
            f'{{"productNo": "{product_no}", "description": "Kaffe {product_no}", '
            f'"unit": "kg", "salesPrice": {price}, "vatCode": {vat}}}'
        ),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201, response.text
    return product_no
