"""The system tables (managed by Alembic migrations, not derived from the data model)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from ledgerport.query.types import UTCDateTime

__all__ = ["api_user_companies", "api_users", "change_log", "meta", "system_metadata"]

system_metadata = MetaData()

meta = Table(
    "ledgerport_meta",
    system_metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

change_log = Table(
    "change_log",
    system_metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("company_no", Integer, nullable=True),
    Column("resource", String(100), nullable=False),
    Column("operation", String(40), nullable=False),
    Column("entity_key", Text, nullable=False),
    Column("changes", Text, nullable=True),
    Column("username", String(64), nullable=False),
    Column("context_user", String(64), nullable=True),
    Column("txid", BigInteger, nullable=True),
    # PostgreSQL: pg_current_xact_id() of the writing transaction (migration 0004's server
    # default), so $delta can wait for transactions that commit out of order. SQLite: NULL.
    Index("ix_change_log_company_resource", "company_no", "resource", "seq"),
)

api_users = Table(
    "api_users",
    system_metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("context_user", String(30), nullable=True),
    Column("allow_basic", Boolean, nullable=False, default=True),
    Column("allow_sys", Boolean, nullable=False, default=False),
    Column("allow_catalog", Boolean, nullable=False, default=False),
    Column("scopes", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

api_user_companies = Table(
    "api_user_companies",
    system_metadata,
    Column(
        "username",
        String(64),
        ForeignKey("api_users.username", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("company_no", Integer, primary_key=True),
    Column("number_series", Text, nullable=False, default="[]"),
)
