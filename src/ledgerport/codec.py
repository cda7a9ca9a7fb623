"""JSON in and out: decimals exact both ways, datetimes ISO 8601 UTC with ``Z``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

__all__ = ["decode", "encode"]

_ENCODER = msgspec.json.Encoder(decimal_format="number")
_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def encode(value: Any) -> bytes:
    return _ENCODER.encode(value)


def decode(data: bytes | str) -> Any:
    return _DECODER.decode(data)
