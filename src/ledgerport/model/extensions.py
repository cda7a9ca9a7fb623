"""Data model extensions (DME): custom fields and tables, as definitions and as a registry.

Pure data and rules, no database: the store keeps the definitions and changes the tables;
``extend`` turns the built-in model plus the definitions into the live registry, and
``check_field`` / ``check_table`` say what is wrong with a definition before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ledgerport.model.registry import SYSTEM_FIELDS, Registry
from ledgerport.model.schema import Entity, Field, FieldType, Scope, camel_to_snake

__all__ = [
    "CUSTOM_MODULE",
    "FieldDefinition",
    "TableDefinition",
    "check_field",
    "check_table",
    "extend",
    "to_field",
]

CUSTOM_MODULE = "custom"
MAX_STRING_LENGTH = 4000

_FIELD_NAME = re.compile(r"[a-z][A-Za-z0-9]{1,39}")
_TABLE_NAME = re.compile(r"[a-z][a-z0-9]{2,39}")
_RESERVED = frozenset({"companyNo", "rowVersion", "actions", "value", "lines", "contacts"})
_RESERVED_TABLES = frozenset({"fields", "tables", "batch", "webhooks", "oauth", "customactions"})


@dataclass(frozen=True)
class FieldDefinition:
    """A custom field as an administrator defines it."""

    scope: Scope
    resource: str
    """The entity it extends (or the custom table it belongs to)."""
    name: str
    type: FieldType
    length: int | None = None
    precision: int = 18
    scale: int = 2
    nullable: bool = True
    default: object = None
    """Typed (Decimal, date, ...) once checked; also what existing rows get."""
    label: str = ""
    column: str = ""
    """The column holding it; ``camel_to_snake(name)`` unless stored otherwise."""


@dataclass(frozen=True)
class TableDefinition:
    """A custom company table: its own key and fields, served like any resource."""

    resource: str
    title: str
    key: tuple[str, ...]
    description: str = ""


def to_field(definition: FieldDefinition, *, key: bool = False) -> Field:
    return Field(
        definition.name,
        definition.type,
        length=definition.length,
        precision=definition.precision,
        scale=definition.scale,
        nullable=definition.nullable and not key,
        default=definition.default,
        series=key and definition.type is FieldType.INTEGER,
        description=definition.label,
        custom=True,
    )


def extend(
    builtin: Iterable[Entity],
    tables: Iterable[TableDefinition],
    fields: Iterable[FieldDefinition],
    version: int,
) -> Registry:
    """The registry of the built-in model with these extensions."""
    by_entity: dict[tuple[Scope, str], list[FieldDefinition]] = {}
    for definition in fields:
        by_entity.setdefault((definition.scope, definition.resource), []).append(definition)
    entities = [_with_fields(e, by_entity.get((e.scope, e.resource), ())) for e in builtin]
    for table in tables:
        own = by_entity.get((Scope.COMPANY, table.resource), [])
        entities.append(
            Entity(
                resource=table.resource,
                scope=Scope.COMPANY,
                module=CUSTOM_MODULE,
                title=table.title,
                fields=tuple(to_field(d, key=d.name in table.key) for d in own),
                key=table.key,
                description=table.description,
                custom=True,
            )
        )
    return Registry.build(entities, version)


def _with_fields(entity: Entity, definitions: Iterable[FieldDefinition]) -> Entity:
    extra = tuple(to_field(d) for d in definitions)
    return replace(entity, fields=entity.fields + extra) if extra else entity


def check_field(
    registry: Registry, definition: FieldDefinition, *, existing_rows: bool = True
) -> dict[str, str]:
    """What is wrong with adding ``definition`` to the live model, by member name."""
    problems: dict[str, str] = {}
    entity = registry.get(definition.scope, definition.resource)
    if entity is None:
        problems["entity"] = f"there is no entity {definition.resource!r}"
        return problems
    if entity.read_only:
        problems["entity"] = f"{entity.resource} is read-only and takes no custom fields"
    problems.update(_name_problems(definition.name, entity))
    problems.update(_type_problems(definition))
    if existing_rows and not definition.nullable and definition.default is None:
        problems["default"] = "a field that is not nullable needs a default for existing rows"
    return problems


def check_table(
    registry: Registry, table: TableDefinition, fields: Iterable[FieldDefinition]
) -> dict[str, str]:
    """What is wrong with creating the custom table, by member name (``fields[1].type``)."""
    problems: dict[str, str] = {}
    if not _TABLE_NAME.fullmatch(table.resource) or table.resource in _RESERVED_TABLES:
        problems["name"] = (
            "must be 3 to 40 lower-case letters and digits, starting with a letter, "
            "and not a reserved word"
        )
    elif registry.get(Scope.COMPANY, table.resource) is not None:
        problems["name"] = f"there is already a resource {table.resource!r}"
    if not table.title.strip():
        problems["title"] = "is required"
    own = list(fields)
    names = [d.name for d in own]
    if not own:
        problems["fields"] = "a table needs at least one field"
    seen: set[str] = set()
    for position, definition in enumerate(own):
        where = f"fields[{position}]"
        if definition.name in seen:
            problems[f"{where}.name"] = f"{definition.name!r} is given twice"
        seen.add(definition.name)
        if not _FIELD_NAME.fullmatch(definition.name) or definition.name in _RESERVED:
            problems[f"{where}.name"] = _NAME_RULE
        elif any(f.name == definition.name for f in SYSTEM_FIELDS):
            problems[f"{where}.name"] = "is a system field"
        for member, message in _type_problems(definition).items():
            problems[f"{where}.{member}"] = message
    if not table.key:
        problems["key"] = "a table needs a key of one or more of its fields"
    for name in table.key:
        if name not in names:
            problems["key"] = f"{name!r} is not one of the table's fields"
        elif next(d for d in own if d.name == name).type not in (
            FieldType.INTEGER,
            FieldType.STRING,
        ):
            problems["key"] = f"key field {name!r} must be an integer or a string"
    return problems


_NAME_RULE = "must be 2 to 40 letters and digits in camelCase, starting with a lower-case letter"


def _name_problems(name: str, entity: Entity) -> Mapping[str, str]:
    if not _FIELD_NAME.fullmatch(name) or name in _RESERVED:
        return {"name": _NAME_RULE}
    clash = next(
        (
            f
            for f in entity.fields
            if f.name.lower() == name.lower() or f.column == camel_to_snake(name)
        ),
        None,
    )
    if clash is not None:
        kind = "custom" if clash.custom else "built-in"
        return {"name": f"{entity.resource} already has a {kind} field {clash.name!r}"}
    return {}


def _type_problems(definition: FieldDefinition) -> Mapping[str, str]:
    problems: dict[str, str] = {}
    if definition.type is FieldType.STRING:
        if definition.length is None or not 1 <= definition.length <= MAX_STRING_LENGTH:
            problems["length"] = f"a string needs a length from 1 to {MAX_STRING_LENGTH}"
    elif definition.length is not None:
        problems["length"] = f"only strings have a length, not {definition.type}s"
    if definition.type is FieldType.DECIMAL and not (
        1 <= definition.precision <= 18 and 0 <= definition.scale <= min(6, definition.precision)
    ):
        problems["precision"] = "a decimal has a precision of 1 to 18 and a scale of 0 to 6"
    return problems
