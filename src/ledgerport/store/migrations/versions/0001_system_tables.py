"""System tables: settings, change log, API users.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ledgerport.query.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledgerport_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "change_log",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("company_no", sa.Integer, nullable=True),
        sa.Column("resource", sa.String(100), nullable=False),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("entity_key", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("context_user", sa.String(64), nullable=True),
    )
    op.create_index(
        "ix_change_log_company_resource", "change_log", ["company_no", "resource", "seq"]
    )
    op.create_table(
        "api_users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("context_user", sa.String(30), nullable=True),
        sa.Column("allow_basic", sa.Boolean, nullable=False),
        sa.Column("allow_sys", sa.Boolean, nullable=False),
        sa.Column("allow_catalog", sa.Boolean, nullable=False),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "api_user_companies",
        sa.Column(
            "username",
            sa.String(64),
            sa.ForeignKey("api_users.username", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("company_no", sa.Integer, primary_key=True),
        sa.Column("number_series", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_user_companies")
    op.drop_table("api_users")
    op.drop_index("ix_change_log_company_resource", "change_log")
    op.drop_table("change_log")
    op.drop_table("ledgerport_meta")
