"""Small helpers for feature tests (numbers no other test uses, problem assertions)."""

from __future__ import annotations

import itertools

import httpx

_numbers = itertools.count(200_000)


def unique_no() -> int:
    """A customer/supplier/order number no other test in this run has used."""
    return next(_numbers)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    """The response is an RFC 9457 problem with this status and ledgerport code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    assert body["detail"]
    assert body["type"].endswith(code)
    assert isinstance(body, dict)
    return body


def error_fields(body: dict[str, object]) -> set[str]:
    errors = body.get("errors")
    assert isinstance(errors, list)
    return {e["field"] for e in errors}
