"""PostgreSQL: the webhook outbox is filled once per change-log statement, not per row.

A bulk create writes a thousand change-log rows in one statement; the row trigger checked
for enabled subscriptions a thousand times. The statement trigger reads the inserted rows
from a transition table and checks once. Same transaction, same rows in the outbox, one
notification. SQLite has no transition tables and keeps its row trigger.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_STATEMENT_FUNCTION = """
CREATE FUNCTION ledgerport_webhook_outbox_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhook_subscriptions WHERE enabled) THEN
    INSERT INTO webhook_outbox (seq) SELECT seq FROM inserted_rows;
    PERFORM pg_notify('ledgerport_webhooks', '');
  END IF;
  RETURN NULL;
END
$$
"""
_STATEMENT_TRIGGER = """
CREATE TRIGGER change_log_webhook_outbox AFTER INSERT ON change_log
REFERENCING NEW TABLE AS inserted_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledgerport_webhook_outbox_rows()
"""
_ROW_TRIGGER = """
CREATE TRIGGER change_log_webhook_outbox AFTER INSERT ON change_log
FOR EACH ROW EXECUTE FUNCTION ledgerport_webhook_outbox()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TRIGGER change_log_webhook_outbox ON change_log")
    op.execute(_STATEMENT_FUNCTION)
    op.execute(_STATEMENT_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TRIGGER change_log_webhook_outbox ON change_log")
    op.execute("DROP FUNCTION ledgerport_webhook_outbox_rows()")
    op.execute(_ROW_TRIGGER)
