"""The system table of users' number series counters (migration 0003)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table

from ledgerport.store.system import system_metadata

__all__ = ["number_series_users"]

_NUMBER = BigInteger().with_variant(Integer(), "sqlite")

number_series_users = Table(
    "number_series_users",
    system_metadata,
    Column("company_no", Integer, primary_key=True),
    Column("field", String(100), primary_key=True),
    Column("from_no", _NUMBER, primary_key=True),
    Column("to_no", _NUMBER, nullable=False),
    Column("next_no", _NUMBER, nullable=False),
)
