"""JSON values → typed field values, by the data model's rules. One error per field at fault."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ledgerport.model import Field, FieldType

__all__ = ["MAX_INTEGER", "Invalid", "convert", "convert_key_segment"]

MAX_INTEGER = 2**53 - 1
"""Integers stay within what every JSON client (JavaScript included) reads exactly."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


class Invalid(Exception):
    """A value that does not fit its field; the message says why."""


def convert(field: Field, value: object) -> object:
    """Check ``value`` (as decoded from JSON) against ``field`` and return it typed."""
    if value is None:
        if not field.nullable:
            raise Invalid("must not be null")
        return None
    match field.type:
        case FieldType.STRING:
            return _string(field, value)
        case FieldType.INTEGER:
            return _integer(value)
        case FieldType.DECIMAL:
            return _decimal(field, value)
        case FieldType.BOOLEAN:
            if not isinstance(value, bool):
                raise Invalid("must be true or false")
            return value
        case FieldType.DATE:
            return _date(value)
        case FieldType.DATETIME:
            return _datetime(value)
    raise AssertionError(field.type)


def _string(field: Field, value: object) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a string")
    if field.length is not None and len(value) > field.length:
        raise Invalid(f"must be at most {field.length} characters (is {len(value)})")
    if "\x00" in value:
        raise Invalid("must not contain NUL characters")
    if field.choices and value not in field.choices:
        raise Invalid(f"must be one of {', '.join(field.choices)}")
    return value


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Invalid("must be a whole number")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise Invalid("must be a whole number")
        value = int(value)
    if abs(value) > MAX_INTEGER:
        raise Invalid(f"must be between {-MAX_INTEGER} and {MAX_INTEGER}")
    return value


def _decimal(field: Field, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Invalid("must be a number")
    number = Decimal(value)
    if not number.is_finite():
        raise Invalid("must be a finite number")
    whole_digits = field.precision - field.scale
    if number and number.adjusted() >= whole_digits:
        raise Invalid(f"must be less than 10^{whole_digits} in size")
    exact = number.quantize(Decimal(1).scaleb(-field.scale))
    if exact != number:
        raise Invalid(f"must have at most {field.scale} decimals")
    return exact


def _date(value: object) -> dt.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise Invalid("must be a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid("is not a date in the calendar") from None


def _datetime(value: object) -> dt.datetime:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise Invalid("must be an ISO 8601 date and time with Z or an offset")
    try:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    except ValueError:
        raise Invalid("is not a date and time in the calendar") from None


def convert_key_segment(field: Field, segment: str) -> object:
    """A key value from a path segment: integers parsed, strings taken as they are."""
    if field.type is FieldType.INTEGER:
        if not re.fullmatch(r"-?[0-9]{1,16}", segment):
            raise Invalid(f"{segment!r} is not a whole number")
        return _integer(int(segment))
    if field.type is FieldType.STRING:
        return _string(field, segment)
    raise Invalid(f"{field.type} keys are not supported")
