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

__all__ = ["ChangeEntry", "append"]


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
    await conn.execute(
        change_log.insert(),
        [
            {
                "at": e.at,
                "company_no": e.company_no,
                "resource": e.resource,
                "operation": e.operation,
                "entity_key": encode(dict(e.key)).decode(),
                "changes": None if e.changes is None else encode(dict(e.changes)).decode(),
                "username": e.username,
                "context_user": e.context_user,
            }
            for e in entries
        ],
    )
