"""Column types that answer alike on SQLite and PostgreSQL.

- Decimals are exact everywhere: NUMERIC(p, s) on PostgreSQL, a scaled 64-bit integer on
  SQLite (whose NUMERIC is a float). Comparisons and ordering stay numeric on both.
- Datetimes are UTC-aware on the way out, whatever the driver hands back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["ExactDecimal", "UTCDateTime"]


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale), stored as ``value * 10**scale`` in an INTEGER on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(value)
        if dialect.name != "sqlite":
            return number
        scaled = number.scaleb(self.scale)
        # Stored values are whole numbers at this scale; a comparison with a finer literal
        # (a filter on 10.555 for a 2-decimal field) compares as a number, not rounded.
        return int(scaled) if scaled == scaled.to_integral_value() else float(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)
        return Decimal(value).quantize(self._quantum)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps in UTC: aware datetimes in, aware UTC datetimes out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
