"""Change log: the writing transaction's id, for $delta positions on PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    default = sa.text("(pg_current_xact_id()::text::bigint)") if postgres else None
    op.add_column(
        "change_log", sa.Column("txid", sa.BigInteger, nullable=True, server_default=default)
    )
    if postgres:
        op.create_index(
            "ix_change_log_txid", "change_log", ["company_no", "resource", "txid", "seq"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_change_log_txid", "change_log")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("txid")
