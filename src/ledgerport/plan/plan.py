"""The plans the store carries out: typed, frozen, checked against the data model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ledgerport.model import Entity

__all__ = ["Create", "Delete", "Plan", "ReadList", "ReadOne", "Update", "Values"]

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


@dataclass(frozen=True)
class Create:
    entity: Entity
    company_no: int | None
    values: Values
    """Given fields only; the store assigns keys and applies defaults."""


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


@dataclass(frozen=True)
class Delete:
    entity: Entity
    company_no: int | None
    key: tuple[object, ...]
    if_match: tuple[str, ...] | None


Plan = ReadList | ReadOne | Create | Update | Delete
