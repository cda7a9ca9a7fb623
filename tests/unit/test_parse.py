"""HTTP pieces → intent: paths, options, bodies and headers, with clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgerport.errors import (
    BadHeader,
    BadPath,
    BadQueryOption,
    MalformedBody,
    UnsupportedMediaType,
)
from ledgerport.model import Scope
from ledgerport.request.parse import (
    parse_body,
    parse_etags,
    parse_options,
    parse_prefer,
    parse_target,
)


def test_targets() -> None:
    target = parse_target("/api/9999/orderlines/1001/2")
    assert (target.scope, target.company_no, target.resource, target.rest) == (
        Scope.COMPANY,
        9999,
        "orderlines",
        ("1001", "2"),
    )
    assert parse_target("/api/sys/companies").scope is Scope.SYS
    assert parse_target("/api/catalog/products/").rest == ()
    assert parse_target("/api/9999/products/A%2FB").rest == ("A/B",)
    for bad in (
        "/api/x1/associates",
        "/api/9999",
        "/api/9999/Bad-Name",
        "/other/9999/x",
        "/api/0/associates",
    ):
        with pytest.raises(BadPath):
            parse_target(bad)


def test_options_are_case_insensitive_and_checked() -> None:
    assert parse_options([("$TOP", "5"), ("$skip", "10"), ("cachebust", "x")]).top == 5
    assert parse_options([("PAGESIZE", "7")]).page_size == 7
    for bad in (
        [("pageSize", "x")],
        [("pageSize", "0")],
        [("$top", "-1")],
        [("$top", "x")],
        [("$nope", "1")],
        [("$top", "1"), ("$Top", "2")],
    ):
        with pytest.raises(BadQueryOption):
            parse_options(bad)


def test_bodies_keep_decimals_exact() -> None:
    body = parse_body("application/json; charset=utf-8", b'{"amount": 0.10, "n": 3}')
    assert body == {"amount": Decimal("0.10"), "n": 3}
    assert str(body["amount"]) == "0.10"
    assert parse_body("application/merge-patch+json", b"{}") == {}
    with pytest.raises(UnsupportedMediaType):
        parse_body("text/plain", b"{}")
    with pytest.raises(UnsupportedMediaType):
        parse_body("application/json; charset=latin-1", b"{}")
    with pytest.raises(MalformedBody):
        parse_body("application/json", b"{nope")


def test_etag_headers_and_preferences() -> None:
    assert parse_etags('"a", W/"b"', "If-Match") == ('"a"', 'W/"b"')
    assert parse_etags("*", "If-Match") == ("*",)
    assert parse_etags(None, "If-Match") is None
    with pytest.raises(BadHeader):
        parse_etags("unquoted", "If-Match")
    assert parse_prefer("return=minimal, odata.maxpagesize=5").return_minimal
    assert not parse_prefer("return=representation").return_minimal
