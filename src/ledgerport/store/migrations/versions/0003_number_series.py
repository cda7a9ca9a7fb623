"""Counters of users' own number series intervals.

The company's default intervals are the ``numberseries`` resource (a model table); a user's
intervals come from its settings, and their counters live here, one per company, field and
interval (users sharing an interval share its counter).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NUMBER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "number_series_users",
        sa.Column("company_no", sa.Integer, primary_key=True),
        sa.Column("field", sa.String(100), primary_key=True),
        sa.Column("from_no", _NUMBER, primary_key=True),
        sa.Column("to_no", _NUMBER, nullable=False),
        sa.Column("next_no", _NUMBER, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("number_series_users")
