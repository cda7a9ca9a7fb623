"""System tables of webhooks and custom actions (migration 0005).

``webhook_outbox`` is filled by a database trigger on ``change_log`` (same transaction as the
write), so a committed change always leaves a marker for the dispatcher and a rolled-back one
never does, whoever wrote it (pipeline, batch, business actions, imports).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ledgerport.query.types import UTCDateTime
from ledgerport.store.system import system_metadata

__all__ = [
    "NOTIFY_CHANNEL",
    "custom_actions",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_outbox",
    "webhook_subscriptions",
]

NOTIFY_CHANNEL = "ledgerport_webhooks"
"""PostgreSQL channel notified (after commit, coalesced per transaction) when work appears."""

_ID = BigInteger().with_variant(Integer(), "sqlite")

webhook_outbox = Table(
    "webhook_outbox",
    system_metadata,
    Column("seq", _ID, primary_key=True, autoincrement=False),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    system_metadata,
    Column("id", _ID, primary_key=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("events", Text, nullable=False),
    Column("companies", Text, nullable=True),
    Column("filter", Text, nullable=True),
    Column("description", Text, nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", Text, nullable=True),
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text, nullable=True),
    Column("previous_secret_until", UTCDateTime(), nullable=True),
    Column("next_sequence", _ID, nullable=False),
    Column("claimed_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    system_metadata,
    Column("id", _ID, primary_key=True),
    Column(
        "subscription_id",
        _ID,
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("message_id", String(64), nullable=False),
    Column("event_type", String(150), nullable=False),
    Column("change_seq", _ID, nullable=True),
    Column("company_no", Integer, nullable=True),
    Column("sequence", _ID, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("lease_until", UTCDateTime(), nullable=True),
    Column("claim_token", String(40), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_duration_ms", Float, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Index("ix_webhook_deliveries_due", "subscription_id", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_pending", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_leased", "status", "lease_until"),
)

webhook_attempts = Table(
    "webhook_attempts",
    system_metadata,
    Column("id", _ID, primary_key=True),
    Column(
        "delivery_id",
        _ID,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("at", UTCDateTime(), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("duration_ms", Float, nullable=False),
    Column("error", Text, nullable=True),
)

custom_actions = Table(
    "custom_actions",
    system_metadata,
    Column("id", _ID, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("resource", String(100), nullable=False),
    Column("url", Text, nullable=False),
    Column("companies", Text, nullable=True),
    Column("secret", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("resource", "name", name="uq_custom_actions_resource_name"),
)
