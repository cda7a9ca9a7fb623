"""Change-log windows for ``$delta`` (statements over the system tables).

PostgreSQL records ``pg_current_xact_id()`` on every change-log row (migration 0004). A delta
position is a snapshot (``pg_current_snapshot()``); the next delta delivers the rows whose
transaction was invisible to that snapshot and is visible to a new one. Commit order does not
matter: a transaction that began early and commits late is invisible to every snapshot taken
before its commit and visible to every one after, so it is delivered exactly once.
SQLite serialises writers (BEGIN IMMEDIATE), so the sequence number orders commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.sql.elements import TextClause

from ledgerport.plan.plan import DeltaPosition
from ledgerport.query.statements import AnySelect
from ledgerport.store.system import change_log

__all__ = ["changes_in", "position_now"]


def position_now(dialect: str) -> AnySelect:
    """PostgreSQL: this statement's snapshot as text; SQLite: the highest sequence."""
    if dialect == "postgresql":
        return select(literal_column("pg_current_snapshot()::text"))
    return select(func.coalesce(func.max(change_log.c.seq), 0))


def changes_in(
    dialect: str,
    company_no: int | None,
    resource: str,
    position: DeltaPosition,
    upper: str | int,
    limit: int,
) -> AnySelect:
    """Change-log rows after ``position`` up to ``upper``, in (transaction, sequence) order."""
    txid = func.coalesce(change_log.c.txid, 0).label("txid")
    company: ColumnElement[Any] = (
        change_log.c.company_no.is_(None)
        if company_no is None
        else change_log.c.company_no == company_no
    )
    conditions: list[ColumnElement[Any] | TextClause] = [change_log.c.resource == resource, company]
    if dialect == "postgresql":
        conditions.append(
            text(
                "NOT pg_visible_in_snapshot(coalesce(change_log.txid, 0)::text::xid8, "
                "CAST(:since AS pg_snapshot)) "
                "AND pg_visible_in_snapshot(coalesce(change_log.txid, 0)::text::xid8, "
                "CAST(:upper AS pg_snapshot)) "
                "AND coalesce(change_log.txid, 0) >= pg_snapshot_xmin(CAST(:since AS pg_snapshot))"
                "::text::bigint"
            ).bindparams(bindparam("since", str(position.since)), bindparam("upper", str(upper)))
        )
    else:
        conditions.append(change_log.c.seq > literal(int(position.since), BigInteger))
        conditions.append(change_log.c.seq <= literal(int(upper), BigInteger))
    if position.after is not None:
        done_tx, done_seq = position.after
        conditions.append(or_(txid > done_tx, and_(txid == done_tx, change_log.c.seq > done_seq)))
    return (
        select(txid, change_log.c.seq, change_log.c.operation, change_log.c.entity_key)
        .where(*conditions)
        .order_by(txid, change_log.c.seq)
        .limit(limit + 1)
    )
