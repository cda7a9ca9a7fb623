"""The system tables of authentication: OAuth clients, tokens, codes and throttling.

Created by migration 0002. Secrets are never stored: clients keep a SHA-256 of their
(high-entropy, server-generated) secret, tokens and codes a SHA-256 of their value.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from ledgerport.query.types import UTCDateTime
from ledgerport.store.system import system_metadata

__all__ = ["login_failures", "oauth_clients", "oauth_codes", "oauth_tokens", "request_counts"]

oauth_clients = Table(
    "oauth_clients",
    system_metadata,
    Column("client_id", String(64), primary_key=True),
    Column("secret_hash", String(64), nullable=True),  # None: a public client
    Column("name", String(100), nullable=False),
    Column("redirect_uris", Text, nullable=False),
    Column("grant_types", String(200), nullable=False),
    Column("scopes", String(200), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

oauth_tokens = Table(
    "oauth_tokens",
    system_metadata,
    Column("access_hash", String(64), primary_key=True),
    Column("refresh_hash", String(64), nullable=True, unique=True),
    Column("client_id", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("scopes", String(200), nullable=False),
    Column("grant_type", String(40), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=True),
    Column("refresh_expires_at", UTCDateTime(), nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Index("ix_oauth_tokens_username", "username"),
)

oauth_codes = Table(
    "oauth_codes",
    system_metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("redirect_uri", Text, nullable=True),
    Column("scopes", String(200), nullable=False),
    Column("code_challenge", String(128), nullable=True),
    Column("code_challenge_method", String(10), nullable=True),
    Column("expires_at", UTCDateTime(), nullable=False),
)

login_failures = Table(
    "login_failures",
    system_metadata,
    Column("username", String(64), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UTCDateTime(), nullable=True),
    Column("last_failure", UTCDateTime(), nullable=False),
)

request_counts = Table(
    "request_counts",
    system_metadata,
    Column("subject", String(140), primary_key=True),
    Column("window", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
)
