"""A small tagged data set for query tests, and an independent Python evaluation of filters.

Every row carries the same unique ``notes`` tag, so tests filter on it and the rows other
tests create in company 9999 stay out of the expected answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from conftest import Live
from feature.helpers import unique_no

CITIES = ["Oslo", "Bergen", None, "oslo", "Trondheim", "Ås"]
NAMES = ["Alfa AS", "beta as", "Gamma Handel", "Delta", "epsilon", "Zeta O'Brien", "Eta", "Theta"]


def make_rows(live: Live, count: int = 24) -> tuple[str, list[dict[str, Any]]]:
    """Create ``count`` associates tagged with a fresh tag; return the tag and stored rows."""
    tag = f"q-{uuid.uuid4().hex[:10]}"
    rows: list[dict[str, Any]] = []
    with live.client() as client:
        for i in range(count):
            body: dict[str, object] = {
                "name": f"{NAMES[i % len(NAMES)]} {i:02d}",
                "city": CITIES[i % len(CITIES)],
                "creditLimit": (i * 37 % 11) * 100.25,
                "isBlocked": i % 3 == 0,
                "customerNo": unique_no() if i % 4 else None,
                "email": None if i % 5 == 0 else f"c{i}@example.com",
                "currencyCode": ["NOK", "EUR", None][i % 3],
                "notes": tag,
            }
            response = client.post("/api/9999/associates", json=body)
            assert response.status_code == 201, response.text
            rows.append(response.json())
    return tag, rows


def as_decimal(value: object) -> Decimal:
    return Decimal(str(value))


def created_at(row: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(row["createdDateTime"]))
