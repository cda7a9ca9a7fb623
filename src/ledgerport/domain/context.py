"""What a unit of work needs: its transaction, the model, the caller and the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.model import Entity, Registry
from ledgerport.query.tables import Tables
from ledgerport.store.changelog import ChangeEntry

__all__ = ["Stored", "WorkContext"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Stored:
    """An entity as stored: typed values by field name, and its row version."""

    entity: Entity
    values: dict[str, object]
    version: int
    children: dict[str, list[Stored]] = field(default_factory=dict)
    """Child collections read or written along (deep insert, ``$expand``)."""

    @property
    def key(self) -> dict[str, object]:
        return {name: self.values[name] for name in self.entity.key}

    @property
    def etag(self) -> str:
        created = self.values.get("createdDateTime")
        # Exact integer microseconds (not float timestamp()), so the database can compute the
        # same tag when it builds list JSON itself.
        stamp = (created - _EPOCH) // _MICROSECOND if isinstance(created, dt.datetime) else 0
        return f'"{self.version}-{stamp:x}"'


@dataclass
class WorkContext:
    """One transaction's worth of work; change entries are written when it completes."""

    conn: AsyncConnection
    tables: Tables
    registry: Registry
    principal: Principal
    now: dt.datetime
    changes: list[ChangeEntry] = field(default_factory=list)
    shared: bool = False
    """Runs in a caller's transaction (a batch's), which must stay usable after a failure."""

    def record(
        self,
        stored: Stored,
        company_no: int | None,
        operation: str,
        changes: dict[str, object] | None,
    ) -> None:
        self.changes.append(
            ChangeEntry(
                at=self.now,
                company_no=company_no,
                resource=stored.entity.qualified_name,
                operation=operation,
                key=stored.key,
                changes=changes,
                username=self.principal.username,
                context_user=self.principal.context_user,
            )
        )
