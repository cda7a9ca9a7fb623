"""Webhooks and custom actions: subscriptions, outbox (filled by a trigger), deliveries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ledgerport.query.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The outbox marker is written by the database itself, in the transaction of the change-log
# insert, and only while an enabled subscription exists (no growth when nobody listens).
_SQLITE_TRIGGER = """
CREATE TRIGGER change_log_webhook_outbox AFTER INSERT ON change_log
WHEN EXISTS (SELECT 1 FROM webhook_subscriptions WHERE enabled)
BEGIN
  INSERT INTO webhook_outbox (seq) VALUES (NEW.seq);
END
"""
# NOTIFY inside a transaction is delivered at commit, and identical notifications of one
# transaction are folded into one: "notify after commit, coalesced" for free.
_PG_FUNCTION = """
CREATE FUNCTION ledgerport_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhook_subscriptions WHERE enabled) THEN
    INSERT INTO webhook_outbox (seq) VALUES (NEW.seq);
    PERFORM pg_notify('ledgerport_webhooks', '');
  END IF;
  RETURN NULL;
END
$$
"""
_PG_TRIGGER = """
CREATE TRIGGER change_log_webhook_outbox AFTER INSERT ON change_log
FOR EACH ROW EXECUTE FUNCTION ledgerport_webhook_outbox()
"""


def upgrade() -> None:
    op.create_table("webhook_outbox", sa.Column("seq", _ID, primary_key=True, autoincrement=False))
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(64), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", sa.Text, nullable=False),
        sa.Column("companies", sa.Text, nullable=True),
        sa.Column("filter", sa.Text, nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.Text, nullable=True),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("previous_secret", sa.Text, nullable=True),
        sa.Column("previous_secret_until", UTCDateTime(), nullable=True),
        sa.Column("next_sequence", _ID, nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "subscription_id",
            _ID,
            sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(150), nullable=False),
        sa.Column("change_seq", _ID, nullable=True),
        sa.Column("company_no", sa.Integer, nullable=True),
        sa.Column("sequence", _ID, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("claim_token", sa.String(40), nullable=True),
        sa.Column("last_status_code", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_duration_ms", sa.Float, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["subscription_id", "status", "next_attempt_at"],
    )
    # The claim's "anything due?" looks by status, so finished deliveries (kept for
    # retention_days) are never scanned.
    op.create_index(
        "ix_webhook_deliveries_pending", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index("ix_webhook_deliveries_leased", "webhook_deliveries", ["status", "lease_until"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "delivery_id",
            _ID,
            sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("duration_ms", sa.Float, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_table(
        "custom_actions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("resource", sa.String(100), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("companies", sa.Text, nullable=True),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("resource", "name", name="uq_custom_actions_resource_name"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SQLITE_TRIGGER)
    else:
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS change_log_webhook_outbox")
    else:
        op.execute("DROP TRIGGER IF EXISTS change_log_webhook_outbox ON change_log")
        op.execute("DROP FUNCTION IF EXISTS ledgerport_webhook_outbox()")
    op.drop_table("custom_actions")
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_deliveries_leased", "webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_pending", "webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_due", "webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("webhook_outbox")
