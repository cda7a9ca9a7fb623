"""The one change log: every write appends here inside its own transaction.

The audit log, delta links and the webhook outbox all read this table, so a committed
change always has its entry and a rolled-back one never does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import encode
from ledgerport.store.system import change_log

__all__ = ["ChangeEntry", "append", "row_of"]


@dataclass(frozen=True)
class ChangeEntry:
    at: dt.datetime
    company_no: int | None
    resource: str
    """Qualified resource name: ``associates``, ``sys.companies``, ``catalog.products``."""
    operation: str
    """``created``, ``updated``, ``deleted`` or the past tense of an action."""
    key: Mapping[str, object]
    changes: Mapping[str, object] | None
    """Created: every value; updated: the changed fields' new values; deleted: None."""
    username: str
    context_user: str | None


async def append(conn: AsyncConnection, entries: list[ChangeEntry]) -> None:
    if not entries:
        return
    await conn.execute(change_log.insert(), [row_of(e) for e in entries])


def row_of(entry: ChangeEntry) -> dict[str, object]:
    """The change-log row of ``entry``, by column name."""
    changes = entry.changes
    return {
        "at": entry.at,
        "company_no": entry.company_no,
        "resource": entry.resource,
        "operation": entry.operation,
        "entity_key": encode(dict(entry.key)).decode(),
        "changes": None if changes is None else encode(dict(changes)).decode(),
        "username": entry.username,
        "context_user": entry.context_user,
    }
