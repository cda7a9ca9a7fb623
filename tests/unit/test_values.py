"""Field values: JSON in, typed and exact out, or a reason why not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledgerport.model.declare import boolean, date, datetime, decimal, integer, string
from ledgerport.plan.values import MAX_INTEGER, Invalid, convert, convert_key_segment


def test_decimals_stay_exact_at_their_scale() -> None:
    amount = decimal("amount", 18, 2)
    assert str(convert(amount, Decimal("1234.5"))) == "1234.50"
    assert str(convert(amount, 7)) == "7.00"
    assert str(convert(amount, Decimal("1.500"))) == "1.50"
    assert str(convert(amount, Decimal("1E+3"))) == "1000.00"
    with pytest.raises(Invalid, match="at most 2 decimals"):
        convert(amount, Decimal("0.001"))
    with pytest.raises(Invalid, match="less than 10\\^16"):
        convert(amount, Decimal("1E+16"))
    with pytest.raises(Invalid, match="must be a number"):
        convert(amount, "12.00")
    with pytest.raises(Invalid, match="must be a number"):
        convert(amount, True)


def test_integers() -> None:
    number = integer("n")
    assert convert(number, 5) == 5
    assert convert(number, Decimal("5.0")) == 5
    for bad in (True, "5", Decimal("5.5"), MAX_INTEGER + 1):
        with pytest.raises(Invalid):
            convert(number, bad)


def test_strings_lengths_and_choices() -> None:
    name = string("name", 3)
    assert convert(name, "abc") == "abc"
    with pytest.raises(Invalid, match="at most 3 characters"):
        convert(name, "abcd")
    status = string("status", 10, choices=("open", "closed"))
    with pytest.raises(Invalid, match="one of open, closed"):
        convert(status, "pending")
    with pytest.raises(Invalid, match="NUL"):
        convert(name, "a\x00")


def test_nulls_follow_nullability() -> None:
    assert convert(string("x", 5), None) is None
    with pytest.raises(Invalid, match="must not be null"):
        convert(string("x", 5, nullable=False), None)


def test_booleans_dates_and_datetimes() -> None:
    assert convert(boolean("b"), False) is False
    with pytest.raises(Invalid):
        convert(boolean("b"), 0)
    assert convert(date("d"), "2024-02-29") == dt.date(2024, 2, 29)
    for bad in ("2023-02-29", "20240229", "2024-2-1", 20240229):
        with pytest.raises(Invalid):
            convert(date("d"), bad)
    moment = convert(datetime("t"), "2024-05-01T12:00:00+02:00")
    assert moment == dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(Invalid, match="offset"):
        convert(datetime("t"), "2024-05-01T12:00:00")


def test_key_segments() -> None:
    assert convert_key_segment(integer("n"), "42") == 42
    assert convert_key_segment(string("s", 10), "A/B") == "A/B"
    for bad in ("4.2", "x", "99999999999999999"):
        with pytest.raises(Invalid):
            convert_key_segment(integer("n"), bad)
