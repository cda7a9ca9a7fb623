"""The types a data model is made of: entities, their fields, keys, references and children.

Pure data: no database, no HTTP. The built-in model files and data model extensions both
produce these, and everything else (tables, validation, OpenAPI) is derived from them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from ledgerport.model.rules import Action, DateOffset, Derivation, LineAmount, Lock, Totals

__all__ = [
    "Child",
    "Entity",
    "Field",
    "FieldType",
    "Reference",
    "Scope",
    "camel_to_snake",
]

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@functools.cache
def camel_to_snake(name: str) -> str:
    """``customerNo`` → ``customer_no``: JSON names are camelCase, columns snake_case."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


class Scope(StrEnum):
    """Where an entity lives: under a company, or company-independent."""

    COMPANY = "company"
    SYS = "sys"
    CATALOG = "catalog"


class FieldType(StrEnum):
    """The JSON-visible types of the data model."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Field:
    """One property of an entity."""

    name: str
    """camelCase JSON name; the column is its snake_case form."""
    type: FieldType
    length: int | None = None
    """Maximum characters of a string."""
    precision: int = 18
    """Total digits of a decimal."""
    scale: int = 2
    """Digits after the decimal point of a decimal; values are kept exactly at this scale."""
    nullable: bool = True
    default: object = None
    """Value stored when a create omits the field."""
    read_only: bool = False
    """Set by the server only (timestamps, status, derived values)."""
    series: bool = False
    """Assigned from a number series: when omitted (key fields) or sent as ``"next"``."""
    unique: bool = False
    """Unique within the company (or globally for company-independent entities)."""
    choices: tuple[str, ...] = ()
    """Allowed values of a string field."""
    description: str = ""
    custom: bool = False
    """Added at run time as a data model extension."""
    gapless: bool = False
    """A series without gaps (invoices, vouchers): its counter is taken late in the
    transaction that uses the number, and rolls back with it."""

    @property
    def column(self) -> str:
        return camel_to_snake(self.name)

    @property
    def required(self) -> bool:
        """A create must send it: not nullable, no default, not assigned, not server-set."""
        return not (self.nullable or self.series or self.read_only or self.default is not None)


@dataclass(frozen=True)
class Reference:
    """Fields of this entity that must match fields of another (a foreign key)."""

    fields: tuple[str, ...]
    target: str
    """Resource name of the referenced entity."""
    target_scope: Scope
    target_fields: tuple[str, ...]
    on_delete: str = "restrict"
    """``restrict`` (deleting the target is a 409) or ``cascade`` (children)."""


@dataclass(frozen=True)
class Child:
    """A collection of another entity that belongs to this one (an order's ``lines``)."""

    name: str
    """Property name in JSON (``lines``, ``contacts``)."""
    resource: str
    link: tuple[tuple[str, str], ...]
    """(parent field, child field) pairs."""


@dataclass(frozen=True)
class Entity:
    """One table of the data model, served as one REST resource."""

    resource: str
    """Lower-case plural resource name (``associates``)."""
    scope: Scope
    module: str
    """The model file that declares it (sys, catalog, sales, ...)."""
    title: str
    """Singular name for documentation (``Associate``)."""
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    children: tuple[Child, ...] = ()
    read_only: bool = False
    """No create, update or delete through the API (``auditlog``)."""
    description: str = ""
    custom: bool = False
    derivations: tuple[Derivation, ...] = ()
    date_offsets: tuple[DateOffset, ...] = ()
    line_amount: LineAmount | None = None
    totals: Totals | None = None
    actions: tuple[Action, ...] = ()
    lock: Lock | None = None
    indexed: tuple[str, ...] = ()
    """Fields integrations commonly filter by: each gets an index (per company), so an
    ``eq``/``in`` filter or a count on it reads the index instead of every row."""

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def key_fields(self) -> tuple[Field, ...]:
        return tuple(self.by_name[name] for name in self.key)

    @property
    def qualified_name(self) -> str:
        """``associates``, ``sys.companies``, ``catalog.products``: event and table prefixes."""
        if self.scope is Scope.COMPANY:
            return self.resource
        return f"{self.scope.value}.{self.resource}"

    @property
    def table_name(self) -> str:
        if self.scope is Scope.COMPANY:
            return self.resource
        return f"{self.scope.value}_{self.resource}"

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    @cached_property
    def assign_order(self) -> tuple[str, ...]:
        """The model's order of assignment: fields that fill others first, then the rest."""
        sources = {d.source for d in self.derivations}
        sources |= {o.base for o in self.date_offsets} | {o.via for o in self.date_offsets}
        first = [f.name for f in self.fields if f.name in sources]
        return (*first, *(f.name for f in self.fields if f.name not in sources))
