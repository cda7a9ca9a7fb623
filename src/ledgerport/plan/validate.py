"""Check a JSON payload against an entity: every field at fault is reported, not just one."""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.errors import FieldError, ValidationFailed
from ledgerport.model import Entity, Field
from ledgerport.plan.plan import Values
from ledgerport.plan.values import Invalid, convert

__all__ = ["creation_values", "update_values"]

ANNOTATION_PREFIX = "@"
"""Instance annotations (``@odata.etag``) may be sent back; they are not fields."""


def creation_values(
    entity: Entity, body: Mapping[str, object], implied: frozenset[str] = frozenset()
) -> Values:
    """The typed values of a create; omitted fields are left for defaults and assignment.

    ``implied`` fields are filled by the store (a line's link to its parent, ``"next"``).
    """
    errors: list[FieldError] = []
    values: dict[str, object] = {}
    for name, raw in _fields_of(body):
        field = entity.field(name)
        if field is None:
            errors.append(_unknown(entity, name))
        elif field.read_only:
            errors.append(FieldError(name, "is read-only (set by the server)"))
        else:
            _take(values, errors, name, field, raw)
    for field in entity.fields:
        if field.required and field.name not in body and field.name not in implied:
            errors.append(FieldError(field.name, "is required"))
    _raise_if_any(entity, errors)
    return values


def update_values(
    entity: Entity,
    body: Mapping[str, object],
    key: tuple[object, ...],
    *,
    replace: bool,
) -> tuple[Values, Values]:
    """Values to write and read-only values echoed back, for PUT (``replace``) or PATCH."""
    errors: list[FieldError] = []
    values: dict[str, object] = {}
    echoed: dict[str, object] = {}
    key_values = dict(zip(entity.key, key, strict=True))
    for name, raw in _fields_of(body):
        field = entity.field(name)
        if field is None:
            errors.append(_unknown(entity, name))
        elif name in key_values:
            typed = _typed(errors, name, field, raw)
            if typed is not None and typed != key_values[name]:
                errors.append(FieldError(name, "is part of the key and cannot change"))
        elif field.read_only:
            _take(echoed, errors, name, field, raw)
        else:
            _take(values, errors, name, field, raw)
    if replace:
        for field in entity.fields:
            if field.name in body or field.name in key_values or field.read_only:
                continue
            if field.required:
                errors.append(FieldError(field.name, "is required (PUT replaces the entity)"))
            else:
                values[field.name] = field.default
    _raise_if_any(entity, errors)
    return values, echoed


def _fields_of(body: Mapping[str, object]) -> list[tuple[str, object]]:
    return [(k, v) for k, v in body.items() if not k.startswith(ANNOTATION_PREFIX)]


def _unknown(entity: Entity, name: str) -> FieldError:
    return FieldError(name, f"is not a field of {entity.resource}")


def _take(
    into: dict[str, object], errors: list[FieldError], name: str, field: Field, raw: object
) -> None:
    try:
        into[name] = convert(field, raw)
    except Invalid as exc:
        errors.append(FieldError(name, str(exc)))


def _typed(errors: list[FieldError], name: str, field: Field, raw: object) -> object:
    holder: dict[str, object] = {}
    _take(holder, errors, name, field, raw)
    return holder.get(name)


def _raise_if_any(entity: Entity, errors: list[FieldError]) -> None:
    if errors:
        count = len(errors)
        raise ValidationFailed(
            f"{count} field{'s' if count > 1 else ''} of the {entity.title.lower()} "
            f"{'are' if count > 1 else 'is'} not valid.",
            errors=errors,
        )
