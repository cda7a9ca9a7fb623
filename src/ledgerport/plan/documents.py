"""Plans of the business features: creates with ``"next"`` and lines, actions, ``$expand``."""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.errors import (
    BadQueryOption,
    FieldError,
    MethodNotAllowed,
    UnknownAction,
    ValidationFailed,
)
from ledgerport.model import Child, Entity, FieldType, Registry
from ledgerport.plan.plan import ChildRows, Create, RunAction
from ledgerport.plan.validate import creation_values
from ledgerport.request.intent import Method, QueryOptions

__all__ = ["action_plan", "create_plan", "expanded_children"]

NEXT = "next"


def create_plan(
    entity: Entity,
    company_no: int | None,
    body: Mapping[str, object],
    registry: Registry,
    options: QueryOptions,
) -> Create:
    """A create: ``"next"`` on series fields, child collections (deep insert), assign order."""
    own = dict(body)
    requested = _requested(entity, own)
    children: list[ChildRows] = []
    errors: list[FieldError] = []
    for child in entity.children:
        if child.name not in own:
            continue
        rows = own.pop(child.name)
        child_entity = registry.entity(entity.scope, child.resource)
        children.append(_child_rows(child, child_entity, rows, errors))
    try:
        values = creation_values(entity, own, implied=frozenset(requested))
    except ValidationFailed as exc:
        errors = [*exc.errors, *errors]
    if errors:
        raise ValidationFailed(
            f"The {entity.title.lower()} is not valid ({len(errors)} field(s) at fault).",
            errors=errors,
        )
    order = _assign_order(entity, options.assign_order)
    return Create(entity, company_no, values, frozenset(requested), tuple(children), order)


def _requested(entity: Entity, body: dict[str, object]) -> set[str]:
    """Series fields sent as ``"next"``, taken out of the body."""
    found = {
        name
        for name, value in body.items()
        if value == NEXT
        and (field := entity.field(name)) is not None
        and field.series
        and field.type is FieldType.INTEGER
        and not field.read_only
    }
    for name in found:
        del body[name]
    return found


def _child_rows(child: Child, entity: Entity, rows: object, errors: list[FieldError]) -> ChildRows:
    if not isinstance(rows, list):
        errors.append(FieldError(child.name, "must be an array of objects"))
        return ChildRows(child, entity, ())
    linked = frozenset(c for _, c in child.link)
    typed = []
    for index, row in enumerate(rows):
        where = f"{child.name}[{index}]"
        if not isinstance(row, dict):
            errors.append(FieldError(where, "must be an object"))
            continue
        given = {k: v for k, v in row.items() if k not in linked}
        try:
            typed.append(creation_values(entity, given, implied=linked))
        except ValidationFailed as exc:
            errors.extend(FieldError(f"{where}.{e.field}", e.message) for e in exc.errors)
    return ChildRows(child, entity, tuple(typed))


def _assign_order(entity: Entity, given: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if given is None:
        return None
    unknown = [n for n in given if entity.field(n) is None]
    if unknown:
        raise BadQueryOption(
            f"$assignOrder names {', '.join(unknown)}, which {entity.resource} does not have."
        )
    return given


def action_plan(
    entity: Entity,
    company_no: int | None,
    key: tuple[object, ...],
    rest: tuple[str, ...],
    method: Method,
) -> RunAction:
    """``{key...}/actions/{name}``: a POST of an action the model declares."""
    name = rest[1] if len(rest) == 2 else ""
    action = entity.action(name)
    if action is None or company_no is None:
        offered = ", ".join(a.name for a in entity.actions) or "none"
        raise UnknownAction(
            f"{entity.resource} has no action {'/'.join(rest[1:])!r} (actions: {offered})."
        )
    if method is not Method.POST:
        raise MethodNotAllowed(
            f"Actions are run with POST, not {method}.", headers={"Allow": "POST"}
        )
    return RunAction(entity, company_no, key, action)


def expanded_children(entity: Entity, names: tuple[str, ...]) -> tuple[Child, ...]:
    by_name = {c.name: c for c in entity.children}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        offered = ", ".join(by_name) or "none"
        raise BadQueryOption(
            f"$expand names {', '.join(unknown)}; {entity.resource} can expand: {offered}."
        )
    return tuple(by_name[n] for n in names)
