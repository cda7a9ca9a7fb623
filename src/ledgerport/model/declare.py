"""A small vocabulary for declaring entities, so the model files read as declarations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ledgerport.model.rules import Derivation
from ledgerport.model.schema import Child, Entity, Field, FieldType, Reference, Scope

__all__ = [
    "boolean",
    "child",
    "company_entity",
    "date",
    "datetime",
    "decimal",
    "derive",
    "entity",
    "integer",
    "money",
    "quantity",
    "ref",
    "string",
]


def string(name: str, length: int, **kw: Any) -> Field:
    return Field(name, FieldType.STRING, length=length, **kw)


def integer(name: str, **kw: Any) -> Field:
    return Field(name, FieldType.INTEGER, **kw)


def decimal(name: str, precision: int = 18, scale: int = 2, **kw: Any) -> Field:
    return Field(name, FieldType.DECIMAL, precision=precision, scale=scale, **kw)


def money(name: str, **kw: Any) -> Field:
    """An amount in a currency: 18 digits, 2 after the point."""
    return decimal(name, 18, 2, **kw)


def quantity(name: str, **kw: Any) -> Field:
    """A quantity of goods: 15 digits, 3 after the point."""
    return decimal(name, 15, 3, **kw)


def boolean(name: str, **kw: Any) -> Field:
    kw.setdefault("nullable", False)
    kw.setdefault("default", False)
    return Field(name, FieldType.BOOLEAN, **kw)


def date(name: str, **kw: Any) -> Field:
    return Field(name, FieldType.DATE, **kw)


def datetime(name: str, **kw: Any) -> Field:
    return Field(name, FieldType.DATETIME, **kw)


def ref(fields: str | tuple[str, ...], target: str, *, on_delete: str = "restrict") -> Reference:
    """``ref("customerNo", "associates.customerNo")``; ``sys:`` / ``catalog:`` prefix the scope."""
    scope = Scope.COMPANY
    if ":" in target:
        scope_name, target = target.split(":", 1)
        scope = Scope(scope_name)
    resource, _, target_fields = target.partition(".")
    own = (fields,) if isinstance(fields, str) else fields
    theirs = tuple(target_fields.split(",")) if target_fields else own
    return Reference(own, resource, scope, theirs, on_delete)


def derive(source: str, target: str, **fills: str) -> Derivation:
    """``derive("customerNo", "associates.customerNo", customerName="name")``."""
    resource, _, target_field = target.partition(".")
    return Derivation(source, resource, target_field or source, tuple(fills.items()))


def child(name: str, resource: str, **link: str) -> Child:
    """``child("lines", "orderlines", orderNo="orderNo")``: parent field = child field."""
    return Child(name, resource, tuple(link.items()))


def entity(
    resource: str,
    *,
    scope: Scope,
    module: str,
    title: str,
    key: str | tuple[str, ...],
    fields: Iterable[Field],
    references: Iterable[Reference] = (),
    children: Iterable[Child] = (),
    read_only: bool = False,
    description: str = "",
    **rules: Any,
) -> Entity:
    """``rules``: derivations, date_offsets, line_amount, totals, actions, lock."""
    keys = (key,) if isinstance(key, str) else key
    return Entity(
        resource=resource,
        scope=scope,
        module=module,
        title=title,
        fields=tuple(fields),
        key=keys,
        references=tuple(references),
        children=tuple(children),
        read_only=read_only,
        description=description,
        **{k: tuple(v) if isinstance(v, list) else v for k, v in rules.items()},  # type: ignore[arg-type]
    )


def company_entity(resource: str, **kw: Any) -> Entity:
    return entity(resource, scope=Scope.COMPANY, **kw)
