"""The ceiling for Python here: a bare ASGI app on the same server stack (uvicorn, one worker,
plain HTTP, access log off) that runs the same SQL as ledgerport with asyncpg and returns JSON
encoded by msgspec. No auth, no validation, no change log: what is left is the floor cost of
HTTP + database + JSON in Python.

    python bench/baseline.py --dsn postgres://... --port 8601
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import msgspec
import uvicorn

COLUMNS = (
    'associate_no AS "associateNo", customer_no AS "customerNo", '
    'supplier_no AS "supplierNo", '
    'employee_no AS "employeeNo", name, short_name AS "shortName", '
    'address_line1 AS "addressLine1", address_line2 AS "addressLine2", '
    'post_code AS "postCode", city, country_code AS "countryCode", '
    'currency_code AS "currencyCode", language_code AS "languageCode", email, phone, '
    'mobile, web, org_no AS "orgNo", vat_no AS "vatNo", bank_account_no AS "bankAccountNo", '
    'payment_terms_no AS "paymentTermsNo", delivery_terms_no AS "deliveryTermsNo", '
    'credit_limit AS "creditLimit", is_blocked AS "isBlocked", notes, '
    'created_date_time AS "createdDateTime", last_modified_date_time AS "lastModifiedDateTime"'
)
R1 = f"SELECT {COLUMNS} FROM associates WHERE company_no = 9999 ORDER BY associate_no LIMIT 101"
R2 = (
    f"SELECT {COLUMNS} FROM associates WHERE company_no = 9999 AND city = 'Oslo' "
    "ORDER BY associate_no LIMIT 101"
)
R3 = f"SELECT {COLUMNS} FROM associates WHERE company_no = 9999 AND associate_no = $1"
R4 = (
    f"SELECT {COLUMNS} FROM associates WHERE company_no = 9999 AND associate_no > $1 "
    "ORDER BY associate_no LIMIT 101"
)
R5 = "SELECT count(*) FROM associates WHERE company_no = 9999 AND city = 'Oslo'"
R6_ORDERS = "SELECT * FROM orders WHERE company_no = 9999 ORDER BY order_no LIMIT 50"
R6_LINES = (
    "SELECT * FROM orderlines WHERE company_no = 9999 AND order_no = ANY($1::bigint[]) "
    "ORDER BY order_no, line_no"
)
W1 = (
    "INSERT INTO associates (company_no, associate_no, name, credit_limit, is_blocked, "
    "created_date_time, last_modified_date_time, row_version) "
    f"VALUES (9999, $1, $2, 0, false, now(), now(), 1) RETURNING {COLUMNS}"
)

_encoder = msgspec.json.Encoder(decimal_format="number")
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Baseline:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.pool: asyncpg.Pool | None = None
        self.numbers = itertools.count(50_000_000)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.pool = await asyncpg.create_pool(
                        self.dsn,
                        min_size=10,
                        max_size=10,
                        server_settings={"timezone": "UTC"},
                    )
                    async with self.pool.acquire() as conn:
                        start = await conn.fetchval("SELECT max(associate_no) FROM associates")
                    self.numbers = itertools.count(max(start or 0, 50_000_000) + 1)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    assert self.pool is not None
                    await self.pool.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope["path"]
        status, body = await self.route(scope["method"], path, receive)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def route(self, method: str, path: str, receive: Any) -> tuple[int, bytes]:
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            if path == "/r1":
                return 200, self.page(await conn.fetch(R1))
            if path == "/r2":
                return 200, self.page(await conn.fetch(R2))
            if path.startswith("/r3/"):
                row = await conn.fetchrow(R3, int(path[4:]))
                return (404, b"{}") if row is None else (200, _encoder.encode(dict(row)))
            if path == "/r4":
                return 200, self.page(await conn.fetch(R4, 90_000))
            if path == "/r5":
                return 200, str(await conn.fetchval(R5)).encode()
            if path == "/r6":
                orders = [dict(r) for r in await conn.fetch(R6_ORDERS)]
                lines = await conn.fetch(R6_LINES, [o["order_no"] for o in orders])
                by_order: dict[int, list[dict[str, Any]]] = {}
                for line in lines:
                    by_order.setdefault(line["order_no"], []).append(dict(line))
                for order in orders:
                    order["lines"] = by_order.get(order["order_no"], [])
                return 200, _encoder.encode({"value": orders})
            if path == "/w1" and method == "POST":
                while (await receive()).get("more_body"):
                    pass
                row = await conn.fetchrow(W1, next(self.numbers), "Bench Ny AS")
                return 201, _encoder.encode(dict(row))
        return 404, b"{}"

    @staticmethod
    def page(rows: list[Any]) -> bytes:
        return _encoder.encode({"value": [dict(r) for r in rows[:100]]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        Baseline(args.dsn),
        host="127.0.0.1",
        port=args.port,
        log_level="info",
        access_log=False,  # as ledgerport's bench configuration
        server_header=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
