"""Definitions of data model extensions from JSON, checked member by member (no SQL)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ledgerport.errors import FieldError, ValidationFailed
from ledgerport.model import Field, FieldType, Registry, Scope
from ledgerport.model.extensions import FieldDefinition, TableDefinition, check_table
from ledgerport.plan.values import Invalid, convert

__all__ = ["entity_name", "field_definition", "table_definition", "typed_default"]

_FIELD_MEMBERS = frozenset(
    {"entity", "name", "type", "length", "precision", "scale", "nullable", "default", "label"}
)


def field_definition(
    body: Mapping[str, object],
    registry: Registry,
    *,
    scope: Scope | None = None,
    resource: str | None = None,
    prefix: str = "",
) -> FieldDefinition:
    """A field definition from JSON; every member at fault is named in one 400."""
    errors: list[FieldError] = []

    def fail(member: str, message: str) -> None:
        errors.append(FieldError(prefix + member, message))

    for member in sorted(set(body) - _FIELD_MEMBERS):
        fail(member, "is not a member of a field definition")
    if resource is None:
        named = body.get("entity")
        if not isinstance(named, str):
            fail("entity", "is required: the resource to extend, e.g. associates")
            scope, resource = Scope.COMPANY, ""
        else:
            scope, resource = entity_name(named)
    elif "entity" in body:
        fail("entity", "is given by the table")
    name = body.get("name")
    if not isinstance(name, str):
        fail("name", "is required")
    kind: FieldType | None = None
    try:
        kind = FieldType(str(body.get("type")))
    except ValueError:
        fail("type", f"must be one of {', '.join(t.value for t in FieldType)}")
    numbers: dict[str, int | None] = {}
    for member in ("length", "precision", "scale"):
        value = body.get(member)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            fail(member, "must be a whole number")
            value = None
        numbers[member] = value
    nullable = body.get("nullable", True)
    if not isinstance(nullable, bool):
        fail("nullable", "must be true or false")
        nullable = True
    label = body.get("label", "")
    if not isinstance(label, str) or len(label) > 200:
        fail("label", "must be a string of at most 200 characters")
        label = ""
    definition = FieldDefinition(
        scope=scope or Scope.COMPANY,
        resource=resource or "",
        name=name if isinstance(name, str) else "",
        type=kind or FieldType.STRING,
        length=numbers["length"],
        precision=numbers["precision"] or 18,
        scale=numbers["scale"] if numbers["scale"] is not None else 2,
        nullable=nullable,
        label=label,
    )
    if kind is not None and body.get("default") is not None:
        probe = Field(
            definition.name,
            kind,
            length=definition.length,
            precision=definition.precision,
            scale=definition.scale,
        )
        try:
            definition = replace(definition, default=convert(probe, body["default"]))
        except Invalid as exc:
            fail("default", str(exc))
    if errors:
        raise ValidationFailed(
            f"{len(errors)} member(s) of the definition are not valid.", errors=errors
        )
    return definition


def typed_default(field: Field, value: object) -> object:
    if value is None:
        return None
    try:
        return convert(field, value)
    except Invalid as exc:
        raise ValidationFailed(
            "The default is not valid.", errors=[FieldError("default", str(exc))]
        ) from None


def entity_name(text: str) -> tuple[Scope, str]:
    """``associates`` → company; ``sys.companies``, ``catalog.products``."""
    first, _, rest = text.partition(".")
    if rest and first in ("sys", "catalog"):
        return Scope(first), rest
    return Scope.COMPANY, text


def table_definition(
    body: Mapping[str, object], registry: Registry
) -> tuple[TableDefinition, list[FieldDefinition]]:
    unknown = sorted(set(body) - {"name", "title", "key", "fields", "description"})
    errors = [FieldError(m, "is not a member of a table definition") for m in unknown]
    name = body.get("name")
    if not isinstance(name, str):
        errors.append(FieldError("name", "is required"))
    key = body.get("key")
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
        errors.append(FieldError("key", "must be a list of field names"))
        key = []
    raw_fields = body.get("fields")
    if not isinstance(raw_fields, list) or not all(isinstance(f, dict) for f in raw_fields):
        errors.append(FieldError("fields", "must be a list of field definitions"))
        raw_fields = []
    resource = name if isinstance(name, str) else ""
    fields: list[FieldDefinition] = []
    for position, raw in enumerate(raw_fields):
        try:
            fields.append(
                field_definition(
                    raw,
                    registry,
                    scope=Scope.COMPANY,
                    resource=resource,
                    prefix=f"fields[{position}].",
                )
            )
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    title = body.get("title")
    description = body.get("description", "")
    table = TableDefinition(
        resource=resource,
        title=title if isinstance(title, str) else resource.capitalize(),
        key=tuple(key),
        description=description if isinstance(description, str) else "",
    )
    reported = {e.field for e in errors}
    errors.extend(
        FieldError(member, message)
        for member, message in check_table(registry, table, fields).items()
        if member not in reported and not (raw_fields and member == "fields")
    )
    if errors:
        raise ValidationFailed(
            f"{len(errors)} member(s) of the table are not valid.", errors=errors
        )
    return table, fields
