"""Business rules declared in the model: derivations, amounts, totals, actions and locks.

Pure data, like the rest of ``model/``. ``domain/`` carries them out; OpenAPI documents them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Action", "DateOffset", "Derivation", "LineAmount", "Lock", "Totals"]


@dataclass(frozen=True)
class Derivation:
    """Assigning ``source`` fills fields from the entity it refers to.

    ``derive("customerNo", "associates.customerNo", customerName="name")``: the associate
    whose ``customerNo`` equals ours gives its ``name`` to our ``customerName``.
    """

    source: str
    target: str
    """Resource the source field points at (company scope)."""
    target_field: str
    """The target's field that must equal the source value."""
    fills: tuple[tuple[str, str], ...]
    """(own field, target field) pairs."""


@dataclass(frozen=True)
class DateOffset:
    """``field = base + days``, the days read from the entity ``via`` points at.

    An invoice's ``dueDate`` is its ``invoiceDate`` plus the ``netDays`` of its payment terms.
    Assigning ``base`` or ``via`` recomputes it.
    """

    field: str
    base: str
    via: str
    target: str
    target_field: str
    days_field: str


@dataclass(frozen=True)
class LineAmount:
    """A line's read-only net amount: round(quantity x price x (1 - discount/100), 2)."""

    into: str
    quantity: str
    price: str
    discount: str


@dataclass(frozen=True)
class Totals:
    """Read-only document totals, recomputed in the transaction that changes a line.

    VAT is computed per VAT code (net of the code x rate, rounded to the cent), so the
    totals are exactly what a release posts.
    """

    child: str
    """Name of the child collection (``lines``)."""
    line_net: str
    """The line field holding its net amount."""
    vat_code: str
    net: str = "netAmount"
    vat: str = "vatAmount"
    gross: str = "grossAmount"


@dataclass(frozen=True)
class Action:
    """``POST /api/{companyNo}/{resource}/{key...}/actions/{name}``."""

    name: str
    summary: str
    event: str
    """Past tense recorded in the change log (``released``), giving ``{resource}.{event}``."""
    creates: str | None = None
    """Resource of the entity the action creates (answer 201 + Location), if any."""


@dataclass(frozen=True)
class Lock:
    """The entity (and its children) is read-only while ``field`` has one of ``values``."""

    field: str
    values: tuple[str, ...]
