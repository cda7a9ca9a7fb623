"""The data model: schema types, the built-in ERP model and the registry."""

from __future__ import annotations

from ledgerport.model.builtin import BUILTIN_ENTITIES
from ledgerport.model.registry import SYSTEM_FIELDS, ModelError, Registry
from ledgerport.model.schema import Child, Entity, Field, FieldType, Reference, Scope

__all__ = [
    "BUILTIN_ENTITIES",
    "SYSTEM_FIELDS",
    "Child",
    "Entity",
    "Field",
    "FieldType",
    "ModelError",
    "Reference",
    "Registry",
    "Scope",
    "builtin_registry",
]


def builtin_registry(version: int = 1) -> Registry:
    """The registry of the built-in model alone (no extensions)."""
    return Registry.build(BUILTIN_ENTITIES, version)
