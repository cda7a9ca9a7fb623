"""The plans the store carries out: typed, frozen, checked against the data model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ledgerport.model import Child, Entity, Field
from ledgerport.model.rules import Action
from ledgerport.plan.query import Expand, Order, Predicate

__all__ = [
    "ChildRows",
    "Create",
    "Delete",
    "DeltaPosition",
    "Paging",
    "Plan",
    "ReadCount",
    "ReadDelta",
    "ReadList",
    "ReadOne",
    "RunAction",
    "Update",
    "Values",
]

Values = Mapping[str, object]
"""Field name → typed value (str, int, Decimal, bool, date, datetime or None)."""


@dataclass(frozen=True)
class DeltaPosition:
    """Where a delta stands in the change log.

    PostgreSQL: ``since`` and ``upper`` are snapshots (``pg_current_snapshot()`` as text):
    the changes delivered are those invisible to ``since`` and visible to ``upper``, so a
    transaction that commits after a later one is delivered when it commits, never skipped,
    and none is held back by unrelated long transactions. SQLite (writers serialised): the
    change-log sequence numbers.
    """

    since: str | int
    upper: str | int | None = None
    """The window's end while a delta is paged (fixed on its first page)."""
    after: tuple[int, int] | None = None
    """(transaction id, sequence) of the last change delivered inside the window."""

    def wire(self) -> list[object]:
        return ["d", self.since, self.upper, None if self.after is None else list(self.after)]


@dataclass(frozen=True)
class Paging:
    """How the next page is reached: a signed keyset cursor, or Visma.net page numbers."""

    binding: str
    """Digest of what a cursor is bound to (resource, company, filter, order)."""
    after: tuple[object, ...] | None = None
    """Order values (keys last) of the row before this page, from ``$skiptoken``."""
    page_size: int | None = None
    """Visma.net ``pageSize`` (offset paging with ``metadata``)."""
    page_number: int = 1
    delta_from: str | int | None = None
    """In the first walk of ``$delta``: the change-log position the walk started at."""


@dataclass(frozen=True)
class ReadList:
    entity: Entity
    company_no: int | None
    limit: int
    """Rows on this page."""
    offset: int
    top: int | None
    """The client's ``$top`` (caps the whole walk), if any."""
    where: Predicate | None = None
    """``$filter`` and ``lastModifiedDateTime``, typed."""
    order: tuple[Order, ...] = ()
    """``$orderby`` then the key: a total order, so cursors are exact."""
    select: tuple[Field, ...] | None = None
    """Fields to answer with (None: all)."""
    expand: tuple[Expand, ...] = ()
    count: bool = False
    paging: Paging = field(default_factory=lambda: Paging(""))
    query: tuple[tuple[str, str], ...] = ()
    """Options to repeat in next links (``$filter``, ``$orderby``, ``$select``, ...)."""
    max_page_size: int = 1000
    prefer_applied: int | None = None
    """The ``odata.maxpagesize`` honoured, for ``Preference-Applied``."""


@dataclass(frozen=True)
class ReadCount:
    """``/$count``: the number of rows matching the filter, as text/plain."""

    entity: Entity
    company_no: int | None
    where: Predicate | None


@dataclass(frozen=True)
class ReadDelta:
    """A ``$deltatoken``: what changed in (company, resource) after ``position``."""

    entity: Entity
    company_no: int | None
    position: DeltaPosition
    limit: int
    select: tuple[Field, ...] | None = None


@dataclass(frozen=True)
class ReadOne:
    entity: Entity
    company_no: int | None
    key: tuple[object, ...]
    expand: tuple[Child, ...] = ()
    """Child collections to read along (``$expand=lines``)."""


@dataclass(frozen=True)
class ChildRows:
    """Rows of a child collection created with their parent (deep insert)."""

    child: Child
    entity: Entity
    rows: tuple[Values, ...]
    """Given fields of each row; the link to the parent is filled in by the store."""


@dataclass(frozen=True)
class Create:
    entity: Entity
    company_no: int | None
    values: Values
    """Given fields only; the store assigns keys and applies defaults."""
    requested: frozenset[str] = frozenset()
    """Series fields sent as ``"next"``: the store assigns them."""
    children: tuple[ChildRows, ...] = ()
    assign_order: tuple[str, ...] | None = None
    """``$assignOrder``: fields assigned first; the model's order for the rest."""


@dataclass(frozen=True)
class Update:
    entity: Entity
    company_no: int | None
    key: tuple[object, ...]
    values: Values
    """New values of the fields to change (PUT: every writable field)."""
    echoed: Values
    """Read-only fields the client sent back; they must equal the stored values."""
    if_match: tuple[str, ...] | None
    sent: frozenset[str] = frozenset()
    """Fields in the body: derivations of a changed field fill only the others."""


@dataclass(frozen=True)
class Delete:
    entity: Entity
    company_no: int | None
    key: tuple[object, ...]
    if_match: tuple[str, ...] | None


@dataclass(frozen=True)
class RunAction:
    """A business action on one entity (``orders/1001/actions/invoice``)."""

    entity: Entity
    company_no: int
    key: tuple[object, ...]
    action: Action


Plan = ReadList | ReadCount | ReadDelta | ReadOne | Create | Update | Delete | RunAction
