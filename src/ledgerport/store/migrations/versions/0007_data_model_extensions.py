"""Data model extensions: custom field and table definitions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ledgerport.query.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dme_fields",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("resource", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("length", sa.Integer, nullable=True),
        sa.Column("precision", sa.Integer, nullable=False),
        sa.Column("scale", sa.Integer, nullable=False),
        sa.Column("nullable", sa.Boolean, nullable=False),
        sa.Column("default_json", sa.Text, nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("column_name", sa.String(64), nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "dme_tables",
        sa.Column("resource", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("key_json", sa.Text, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dme_tables")
    op.drop_table("dme_fields")
