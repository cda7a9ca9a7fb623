"""The plans the store carries out: typed, frozen, checked against the data model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ledgerport.model import Child, Entity
from ledgerport.model.rules import Action

__all__ = [
    "ChildRows",
    "Create",
    "Delete",
    "Plan",
    "ReadList",
    "ReadOne",
    "RunAction",
    "Update",
    "Values",
]

Values = Mapping[str, object]
"""Field name → typed value (str, int, Decimal, bool, date, datetime or None)."""


@dataclass(frozen=True)
class ReadList:
    entity: Entity
    company_no: int | None
    limit: int
    """Rows on this page."""
    offset: int
    top: int | None
    """The client's ``$top`` (caps the whole walk), if any."""


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


Plan = ReadList | ReadOne | Create | Update | Delete | RunAction
