"""The typed query a list plan carries: filter tree, order, selection, expansion, cursor.

Every field here is resolved against the data model and every value has its field's type,
so the SQL builder needs no checks of its own and never sees client text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ledgerport.model import Child, Entity, Field, FieldType, Reference

__all__ = [
    "BoolOp",
    "Compare",
    "Expand",
    "FieldPath",
    "Func",
    "Hop",
    "InList",
    "Literal",
    "Match",
    "Not",
    "Operand",
    "Order",
    "Predicate",
]


@dataclass(frozen=True)
class Hop:
    """One step along a single-valued reference (``customer`` of an order)."""

    name: str
    reference: Reference
    source: Entity
    target: Entity


@dataclass(frozen=True)
class FieldPath:
    """A field of the listed entity, or of one reached through references."""

    hops: tuple[Hop, ...]
    field: Field

    @property
    def type(self) -> FieldType:
        return self.field.type

    @property
    def nullable(self) -> bool:
        # A reference that points nowhere (null foreign key) yields null too.
        return self.field.nullable or bool(self.hops)

    @property
    def name(self) -> str:
        return "/".join([*(h.name for h in self.hops), self.field.name])


@dataclass(frozen=True)
class Literal:
    """A typed constant (str, int, Decimal, bool, date, datetime; None is ``null``)."""

    value: object
    type: FieldType | None


@dataclass(frozen=True)
class Func:
    """``tolower`` / ``toupper`` (string → string) or ``length`` (string → integer)."""

    name: str
    arg: Operand

    @property
    def type(self) -> FieldType:
        return FieldType.INTEGER if self.name == "length" else FieldType.STRING


Operand = FieldPath | Literal | Func


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"


@dataclass(frozen=True)
class Compare:
    """``left op right``; with OData's null rules (null eq null; null ne 'x'; null gt 1 false)."""

    op: Op
    left: Operand
    right: Operand


@dataclass(frozen=True)
class InList:
    """``operand in (v1, v2, ...)``."""

    operand: Operand
    values: tuple[object, ...]


@dataclass(frozen=True)
class Match:
    """``contains`` / ``startswith`` / ``endswith`` of a string operand and a literal."""

    kind: str
    operand: Operand
    pattern: str


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` of two or more predicates."""

    op: str
    operands: tuple[Predicate, ...]


@dataclass(frozen=True)
class Not:
    operand: Predicate


Predicate = Compare | InList | Match | BoolOp | Not


@dataclass(frozen=True)
class Order:
    """One sort key; nulls sort first ascending and last descending on both databases."""

    path: FieldPath
    descending: bool = False


@dataclass(frozen=True)
class Expand:
    """A child collection (``lines``) or single reference (``customer``) to bring inline."""

    name: str
    child: Child | None
    reference: Reference | None
    target: Entity
