"""The registry: every entity of the live data model, built-in and extensions, checked once.

A registry is immutable; a data model change builds a new one with a higher ``version``
and the app swaps it in. Caches key on ``version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from ledgerport.model.schema import Entity, Field, FieldType, Reference, Scope

__all__ = ["SYSTEM_FIELDS", "ModelError", "Registry"]

SYSTEM_FIELDS: tuple[Field, ...] = (
    Field(
        "createdDateTime",
        FieldType.DATETIME,
        nullable=False,
        read_only=True,
        description="When the entity was created (UTC, set by the server).",
    ),
    Field(
        "lastModifiedDateTime",
        FieldType.DATETIME,
        nullable=False,
        read_only=True,
        description="When the entity was last changed (UTC, set by the server).",
    ),
)


class ModelError(Exception):
    """A declaration that does not hold together (a programming or extension error)."""


@dataclass(frozen=True)
class Registry:
    """Entities by scope and resource name, with the derived look-ups everything else needs."""

    entities: tuple[Entity, ...]
    version: int = 1

    @classmethod
    def build(cls, declared: Iterable[Entity], version: int = 1) -> Registry:
        """Add the system fields to each declaration and check the whole model."""
        entities = tuple(_with_system_fields(e) for e in declared)
        registry = cls(entities, version)
        registry.check()
        return registry

    @cached_property
    def _index(self) -> dict[tuple[Scope, str], Entity]:
        return {(e.scope, e.resource): e for e in self.entities}

    def get(self, scope: Scope, resource: str) -> Entity | None:
        return self._index.get((scope, resource))

    def entity(self, scope: Scope, resource: str) -> Entity:
        found = self._index.get((scope, resource))
        if found is None:
            raise KeyError(f"{scope.value}/{resource}")
        return found

    def in_scope(self, scope: Scope) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.scope is scope)

    def target(self, source: Entity, reference: Reference) -> Entity:
        return self.entity(reference.target_scope, reference.target)

    @cached_property
    def _referrers(self) -> dict[tuple[Scope, str], tuple[tuple[Entity, Reference], ...]]:
        found: dict[tuple[Scope, str], list[tuple[Entity, Reference]]] = {}
        for entity in self.entities:
            for reference in entity.references:
                found.setdefault((reference.target_scope, reference.target), []).append(
                    (entity, reference)
                )
        return {k: tuple(v) for k, v in found.items()}

    def referrers(self, target: Entity) -> tuple[tuple[Entity, Reference], ...]:
        """Every (entity, reference) that points at ``target``."""
        return self._referrers.get((target.scope, target.resource), ())

    def check(self) -> None:
        """Raise ModelError when a key, reference or child names what does not exist."""
        seen: set[tuple[Scope, str]] = set()
        for entity in self.entities:
            where = f"{entity.scope.value}/{entity.resource}"
            if (entity.scope, entity.resource) in seen:
                raise ModelError(f"{where}: declared twice")
            seen.add((entity.scope, entity.resource))
            names = [f.name for f in entity.fields]
            if len(names) != len(set(names)):
                raise ModelError(f"{where}: a field is declared twice")
            for name in entity.key:
                if name not in entity.by_name:
                    raise ModelError(f"{where}: key field {name} is not a field")
            for reference in entity.references:
                self._check_reference(entity, reference, where)
            for name in entity.indexed:
                if name not in entity.by_name:
                    raise ModelError(f"{where}: indexed field {name} is not a field")
            self._check_rules(entity, where)
            for child in entity.children:
                target = self.get(entity.scope, child.resource)
                if target is None:
                    raise ModelError(f"{where}: child {child.name} names no entity")
                for parent_field, child_field in child.link:
                    if parent_field not in entity.by_name or child_field not in target.by_name:
                        raise ModelError(f"{where}: child {child.name} links unknown fields")

    def _check_rules(self, entity: Entity, where: str) -> None:
        """Derivations, amounts, totals and locks name fields that exist."""
        own = entity.by_name
        for d in entity.derivations:
            target = self.get(Scope.COMPANY, d.target)
            if d.source not in own or target is None or d.target_field not in target.by_name:
                raise ModelError(f"{where}: derivation from {d.source} → {d.target}")
            for mine, theirs in d.fills:
                if mine not in own or theirs not in target.by_name:
                    raise ModelError(f"{where}: derivation fills {mine} from {d.target}.{theirs}")
        for o in entity.date_offsets:
            target = self.get(Scope.COMPANY, o.target)
            if target is None or o.days_field not in target.by_name:
                raise ModelError(f"{where}: {o.field} reads days from {o.target}.{o.days_field}")
            if not {o.field, o.base, o.via} <= own.keys():
                raise ModelError(f"{where}: {o.field} = {o.base} + days via {o.via}")
        rule = entity.line_amount
        if rule and not {rule.into, rule.quantity, rule.price, rule.discount} <= own.keys():
            raise ModelError(f"{where}: line amount names unknown fields")
        totals = entity.totals
        if totals and not {totals.net, totals.vat, totals.gross} <= own.keys():
            raise ModelError(f"{where}: totals name unknown fields")
        if entity.lock and entity.lock.field not in own:
            raise ModelError(f"{where}: lock on unknown field {entity.lock.field}")

    def _check_reference(self, entity: Entity, reference: Reference, where: str) -> None:
        target = self.get(reference.target_scope, reference.target)
        if target is None:
            raise ModelError(f"{where}: reference to unknown {reference.target}")
        if entity.scope is not Scope.COMPANY and target.scope is Scope.COMPANY:
            raise ModelError(f"{where}: company-independent data cannot reference company data")
        for own, theirs in zip(reference.fields, reference.target_fields, strict=True):
            if own not in entity.by_name or theirs not in target.by_name:
                raise ModelError(f"{where}: reference {own} → {reference.target}.{theirs}")
            if tuple(reference.target_fields) != target.key and not target.by_name[theirs].unique:
                raise ModelError(f"{where}: {reference.target}.{theirs} is neither key nor unique")


def _with_system_fields(entity: Entity) -> Entity:
    present = {f.name for f in entity.fields}
    extra = tuple(f for f in SYSTEM_FIELDS if f.name not in present)
    return replace(entity, fields=entity.fields + extra) if extra else entity
