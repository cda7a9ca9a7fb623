"""Change-log positions and windows for ``$delta`` (statements over the system tables).

A position is (transaction id, sequence). PostgreSQL records ``pg_current_xact_id()`` on
every change-log row; a reader caps what it returns at its snapshot's xmin, below which
every transaction has ended, so a transaction that commits after a later one is waited for,
never skipped. SQLite serialises writers (BEGIN IMMEDIATE), so the sequence alone orders
commits and the transaction id is 0.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Text, and_, func, literal, or_, select

from ledgerport.query.statements import AnySelect
from ledgerport.store.system import change_log

__all__ = ["changes_after", "position_now"]

_NO_CAP = 2**62


def position_now(dialect: str) -> AnySelect:
    """The position below which this transaction sees every change that will ever commit."""
    if dialect == "postgresql":
        xmin = func.pg_snapshot_xmin(func.pg_current_snapshot())
        return select(xmin.cast(Text).cast(BigInteger), literal(0))
    return select(literal(0), func.coalesce(func.max(change_log.c.seq), 0))


def changes_after(
    company_no: int | None,
    resource: str,
    position: tuple[int, int],
    cap: int | None,
    limit: int,
) -> AnySelect:
    """Change-log rows after ``position`` and below ``cap``, in (transaction, sequence) order."""
    txid = func.coalesce(change_log.c.txid, 0)
    after = or_(txid > position[0], and_(txid == position[0], change_log.c.seq > position[1]))
    company: ColumnElement[Any] = (
        change_log.c.company_no.is_(None)
        if company_no is None
        else change_log.c.company_no == company_no
    )
    return (
        select(txid, change_log.c.seq, change_log.c.operation, change_log.c.entity_key)
        .where(
            change_log.c.resource == resource,
            company,
            after,
            txid < (_NO_CAP if cap is None else cap),
        )
        .order_by(txid, change_log.c.seq)
        .limit(limit + 1)
    )
