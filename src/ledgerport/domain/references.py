"""Reference rules: what a row points at must exist; what others point at may not vanish."""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.domain.context import WorkContext
from ledgerport.errors import FieldError, MissingReference, StillReferenced
from ledgerport.model import Entity, Reference, Scope
from ledgerport.query.statements import exists_where, fields_condition, match_condition

__all__ = ["cascade_children", "check_targets_exist", "check_unreferenced"]


async def check_targets_exist(
    ctx: WorkContext, entity: Entity, company_no: int | None, values: Mapping[str, object]
) -> None:
    """Each reference whose fields are all set and given in ``values`` must find its target."""
    errors: list[FieldError] = []
    for reference in entity.references:
        if not all(values.get(name) is not None for name in reference.fields):
            continue
        target = ctx.registry.target(entity, reference)
        wanted = {
            theirs: values[own]
            for own, theirs in zip(reference.fields, reference.target_fields, strict=True)
        }
        table = ctx.tables.of(target)
        target_company = company_no if target.scope is Scope.COMPANY else None
        condition = match_condition(table, target, target_company, wanted)
        if (await ctx.conn.execute(exists_where(table, condition))).first() is None:
            shown = ", ".join(f"{k} {v}" for k, v in wanted.items())
            for name in reference.fields:
                errors.append(FieldError(name, f"no {target.resource} with {shown}"))
    if errors:
        raise MissingReference(
            f"The {entity.title.lower()} refers to something that does not exist.",
            errors=errors,
        )


async def check_unreferenced(
    ctx: WorkContext,
    entity: Entity,
    company_no: int | None,
    old: Mapping[str, object],
    changing: set[str] | None = None,
) -> None:
    """Refuse (409) when a restricting reference still points at ``old`` values.

    ``changing`` limits the check to references on fields about to change (an update);
    None checks every reference (a delete).
    """
    for source, reference in ctx.registry.referrers(entity):
        if reference.on_delete == "cascade":
            continue
        if changing is not None and not changing & set(reference.target_fields):
            continue
        values = _pointed_values(reference, old)
        if values is None:
            continue
        table = ctx.tables.of(source)
        if entity.scope is Scope.COMPANY:
            condition = match_condition(table, source, company_no, values)
        else:
            # Company data pointing at sys or catalog data: look in every company.
            condition = fields_condition(table, source, values)
        if (await ctx.conn.execute(exists_where(table, condition))).first() is not None:
            raise StillReferenced(
                f"{source.resource} still refer to this {entity.title.lower()} "
                f"({', '.join(f'{k} {v}' for k, v in values.items())}); "
                f"change or delete them first."
            )


def _pointed_values(reference: Reference, old: Mapping[str, object]) -> dict[str, object] | None:
    values = {
        own: old.get(theirs)
        for own, theirs in zip(reference.fields, reference.target_fields, strict=True)
    }
    return None if any(v is None for v in values.values()) else values


def cascade_children(ctx: WorkContext, entity: Entity) -> list[tuple[Entity, Reference]]:
    """The entities deleted along with ``entity`` (its lines, contacts, balances)."""
    return [(s, r) for s, r in ctx.registry.referrers(entity) if r.on_delete == "cascade"]
