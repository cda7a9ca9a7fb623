"""SQLAlchemy tables derived from the registry (no I/O; the store creates them).

Every company table leads its primary key with ``company_no`` (so data can be distributed
by company), carries a ``row_version`` for ETags, and has the model's fields as snake_case
columns. References become foreign keys; unique fields become unique constraints per company.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeEngine

from ledgerport.model import Entity, Field, FieldType, Registry, Scope
from ledgerport.query.types import ExactDecimal, UTCDateTime

__all__ = ["COMPANY_COLUMN", "VERSION_COLUMN", "Tables", "column_type"]

COMPANY_COLUMN = "company_no"
VERSION_COLUMN = "row_version"


def column_type(field: Field) -> TypeEngine[Any]:
    """The column type that stores a field's values exactly on both databases."""
    match field.type:
        case FieldType.STRING:
            return String(field.length)
        case FieldType.INTEGER:
            return BigInteger().with_variant(Integer(), "sqlite")
        case FieldType.DECIMAL:
            return ExactDecimal(field.precision, field.scale)
        case FieldType.BOOLEAN:
            return Boolean()
        case FieldType.DATE:
            return Date()
        case FieldType.DATETIME:
            return UTCDateTime()
    raise AssertionError(field.type)


@dataclass(frozen=True)
class Tables:
    """The tables of one registry version."""

    metadata: MetaData
    by_entity: dict[tuple[Scope, str], Table]
    registry_version: int

    @classmethod
    def build(cls, registry: Registry) -> Tables:
        metadata = MetaData()
        by_entity = {
            (e.scope, e.resource): _table(metadata, registry, e) for e in registry.entities
        }
        return cls(metadata, by_entity, registry.version)

    def of(self, entity: Entity) -> Table:
        return self.by_entity[(entity.scope, entity.resource)]


def _table(metadata: MetaData, registry: Registry, entity: Entity) -> Table:
    company = entity.scope is Scope.COMPANY
    columns: list[Column[Any]] = []
    prefix: list[str] = []
    if company:
        columns.append(Column(COMPANY_COLUMN, Integer(), nullable=False))
        prefix = [COMPANY_COLUMN]
    columns.extend(Column(f.column, column_type(f), nullable=f.nullable) for f in entity.fields)
    columns.append(Column(VERSION_COLUMN, Integer(), nullable=False, default=1))
    key = [*prefix, *(entity.by_name[name].column for name in entity.key)]
    constraints: list[SchemaItem] = [PrimaryKeyConstraint(*key, name=f"pk_{entity.table_name}")]
    for f in entity.fields:
        if f.unique:
            constraints.append(
                UniqueConstraint(*prefix, f.column, name=f"uq_{entity.table_name}_{f.column}")
            )
    for name in entity.indexed:
        column = entity.by_name[name].column
        constraints.append(Index(f"ix_{entity.table_name}_{column}", *prefix, column))
    for reference in entity.references:
        target = registry.entity(reference.target_scope, reference.target)
        own = [entity.by_name[n].column for n in reference.fields]
        theirs = [target.by_name[n].column for n in reference.target_fields]
        if target.scope is Scope.COMPANY:
            own, theirs = [COMPANY_COLUMN, *own], [COMPANY_COLUMN, *theirs]
        name = f"fk_{entity.table_name}_{'_'.join(own[-len(reference.fields) :])}"
        constraints.append(
            ForeignKeyConstraint(
                own,
                [f"{target.table_name}.{c}" for c in theirs],
                name=name,
                ondelete="CASCADE" if reference.on_delete == "cascade" else None,
            )
        )
        if own != key[: len(own)]:
            constraints.append(Index(f"ix_{name[3:]}", *own))
    if company:
        constraints.append(
            ForeignKeyConstraint(
                [COMPANY_COLUMN],
                ["sys_companies.company_no"],
                name=f"fk_{entity.table_name}_company",
            )
        )
    return Table(entity.table_name, metadata, *columns, *constraints)
