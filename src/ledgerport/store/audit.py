"""Reading the change log as an audit log: who (user and context user) changed what, when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import decode
from ledgerport.store.system import change_log

__all__ = ["audit_entries", "audit_entry"]


def _entry(row: Row[tuple[object, ...]]) -> dict[str, object]:
    m = row._mapping
    at = m["at"]
    return {
        "changeNo": m["seq"],
        "changedDateTime": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "resource": m["resource"],
        "operation": m["operation"],
        "key": decode(m["entity_key"]),
        "changes": None if m["changes"] is None else decode(m["changes"]),
        "user": m["username"],
        "contextUser": m["context_user"],
    }


async def audit_entries(
    conn: AsyncConnection, company_no: int, *, after: int, limit: int
) -> list[dict[str, object]]:
    """Entries of one company in change order, after change number ``after``."""
    rows = await conn.execute(
        select(change_log)
        .where(change_log.c.company_no == company_no, change_log.c.seq > after)
        .order_by(change_log.c.seq)
        .limit(limit)
    )
    return [_entry(r) for r in rows]


async def audit_entry(
    conn: AsyncConnection, company_no: int, change_no: int
) -> dict[str, object] | None:
    row = (
        await conn.execute(
            select(change_log).where(
                change_log.c.company_no == company_no, change_log.c.seq == change_no
            )
        )
    ).first()
    return None if row is None else _entry(row)
