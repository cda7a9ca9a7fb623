"""List requests → ReadList / ReadCount / ReadDelta plans: options checked against the model.

Page sizes (DESIGN.md "Lists, paging and queries"): without ``$top`` a page holds
``default_page_size`` rows; with it, ``min($top, max_page_size)``, and ``$top`` caps the
whole walk. ``Prefer: odata.maxpagesize`` may lower either (OData §8.2.8.3). Visma.net's
``pageSize`` (capped at ``max_page_size``, which ``metadata.maxPageSize`` shows) pages by
number instead of by cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgerport.errors import BadQueryOption, MethodNotAllowed
from ledgerport.model import Entity, Field, FieldType, Registry
from ledgerport.plan.cursor import binding, open_token, typed_values
from ledgerport.plan.filters import FilterLimits, check_filter, navigations, resolve_path
from ledgerport.plan.plan import DeltaPosition, Paging, ReadCount, ReadDelta, ReadList
from ledgerport.plan.query import (
    BoolOp,
    Compare,
    Expand,
    FieldPath,
    Literal,
    Op,
    Order,
    Predicate,
)
from ledgerport.request.intent import Method, QueryOptions, ResourceRequest

__all__ = ["ListLimits", "delta_binding", "plan_count", "plan_delta", "plan_list"]

_CONDITION_OPS = {">": Op.GT, ">=": Op.GE, "<": Op.LT, "<=": Op.LE, "=": Op.EQ}
MODIFIED_FIELD = "lastModifiedDateTime"


@dataclass(frozen=True)
class ListLimits:
    default_page_size: int
    max_page_size: int
    max_filter_depth: int
    secret: str


def plan_list(
    request: ResourceRequest,
    entity: Entity,
    registry: Registry,
    limits: ListLimits,
    *,
    delta: bool = False,
) -> ReadList:
    options = request.options
    if delta and (options.filter is not None or options.orderby or options.page_size):
        raise BadQueryOption("$delta takes $select, $expand and $top; not $filter or $orderby.")
    where = _where(options, entity, registry, limits)
    order = _order(options, entity, registry)
    bound_to = binding(
        entity.qualified_name,
        request.target.company_no,
        options.filter_text,
        tuple((o.path.name, o.descending) for o in order),
        options.modified_since,
        options.modified_condition,
        delta,
    )
    limit, applied = _page_size(options, limits, request.prefer.max_page_size)
    paging, offset = _paging(options, limits, order, bound_to, limit, delta)
    return ReadList(
        entity,
        request.target.company_no,
        limit,
        offset,
        options.top,
        where=where,
        order=order,
        select=_select(options, entity),
        expand=_expand(options, entity, registry),
        count=options.count,
        paging=paging,
        query=_repeated(options),
        max_page_size=limits.max_page_size,
        prefer_applied=applied,
    )


def plan_count(
    request: ResourceRequest, entity: Entity, registry: Registry, limits: ListLimits
) -> ReadCount:
    _get_only(request)
    where = _where(request.options, entity, registry, limits)
    return ReadCount(entity, request.target.company_no, where)


def delta_binding(entity: Entity, company_no: int | None) -> str:
    return binding("delta", entity.qualified_name, company_no)


def plan_delta(
    request: ResourceRequest, entity: Entity, registry: Registry, limits: ListLimits
) -> ReadList | ReadDelta:
    """``/$delta``: the first walk (a list), or the changes after a ``$deltatoken``."""
    _get_only(request)
    options = request.options
    if options.deltatoken is None:
        return plan_list(request, entity, registry, limits, delta=True)
    if options.filter is not None or options.orderby or options.skiptoken or options.expand:
        raise BadQueryOption("A $deltatoken takes only $select.")
    payload = open_token(
        limits.secret,
        delta_binding(entity, request.target.company_no),
        options.deltatoken,
        "$deltatoken",
    )
    position = _delta_position(payload)
    limit = min(request.prefer.max_page_size or limits.max_page_size, limits.max_page_size)
    return ReadDelta(entity, request.target.company_no, position, limit, _select(options, entity))


def _delta_position(payload: list[object]) -> DeltaPosition:
    refused = BadQueryOption("$deltatoken was not issued for this query.")
    if len(payload) != 4 or payload[0] != "d":
        raise refused
    since, upper, after = payload[1:]
    if not isinstance(since, str | int) or not isinstance(upper, str | int | None):
        raise refused
    if after is None:
        return DeltaPosition(since, upper)
    if not (isinstance(after, list) and [type(a) for a in after] == [int, int]):
        raise refused
    return DeltaPosition(since, upper, (int(after[0]), int(after[1])))


def _get_only(request: ResourceRequest) -> None:
    if request.method is not Method.GET:
        raise MethodNotAllowed("Only GET is allowed here.", headers={"Allow": "GET"})


def _where(
    options: QueryOptions, entity: Entity, registry: Registry, limits: ListLimits
) -> Predicate | None:
    parts: list[Predicate] = []
    if options.filter is not None:
        parts.append(
            check_filter(options.filter, registry, entity, FilterLimits(limits.max_filter_depth))
        )
    if options.modified_since is not None:
        field = entity.by_name.get(MODIFIED_FIELD)
        if field is None:
            raise BadQueryOption(f"{entity.resource} has no {MODIFIED_FIELD}.")
        parts.append(
            Compare(
                _CONDITION_OPS[options.modified_condition],
                FieldPath((), field),
                Literal(options.modified_since, FieldType.DATETIME),
            )
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))


def _order(options: QueryOptions, entity: Entity, registry: Registry) -> tuple[Order, ...]:
    order: list[Order] = []
    for key in options.orderby:
        path = resolve_path(registry, entity, key.path, "$orderby")
        if path.hops:
            raise BadQueryOption(
                f"$orderby: {key.path!r} is a field of a referenced entity; "
                f"order by fields of {entity.resource} itself."
            )
        order.append(Order(path, key.descending))
    own = {o.path.field.name for o in order if not o.path.hops}
    order.extend(Order(FieldPath((), f)) for f in entity.key_fields if f.name not in own)
    return tuple(order)


def _page_size(
    options: QueryOptions, limits: ListLimits, preferred: int | None
) -> tuple[int, int | None]:
    if options.page_size is not None:
        return min(options.page_size, limits.max_page_size), None
    ceiling = limits.max_page_size
    applied = None
    if preferred is not None:
        ceiling = min(preferred, ceiling)
        applied = ceiling
    if options.top is not None:
        return min(options.top, ceiling), applied
    return min(limits.default_page_size, ceiling) if applied is None else ceiling, applied


def _paging(
    options: QueryOptions,
    limits: ListLimits,
    order: tuple[Order, ...],
    bound_to: str,
    limit: int,
    delta: bool,
) -> tuple[Paging, int]:
    if options.page_size is not None:
        if options.skiptoken is not None or options.skip is not None:
            raise BadQueryOption("pageSize cannot be combined with $skip or $skiptoken.")
        number = options.page_number or 1
        return Paging(bound_to, page_size=limit, page_number=number), (number - 1) * limit
    if options.page_number is not None:
        raise BadQueryOption("pageNumber needs pageSize.")
    if options.skiptoken is None:
        return Paging(bound_to), options.skip or 0
    payload = open_token(limits.secret, bound_to, options.skiptoken, "$skiptoken")
    if len(payload) != 3 or payload[0] != "k" or not isinstance(payload[1], list):
        raise BadQueryOption("$skiptoken was not issued for this query.")
    after = typed_values(payload[1], [o.path.type for o in order])
    start = payload[2]
    delta_from: str | int | None = None
    if delta:
        if not isinstance(start, str | int):
            raise BadQueryOption("$skiptoken was not issued for this query.")
        delta_from = start
    return Paging(bound_to, after=after, delta_from=delta_from), 0


def _select(options: QueryOptions, entity: Entity) -> tuple[Field, ...] | None:
    if options.select is None or options.select == ("*",):
        return None
    fields: list[Field] = []
    children = {c.name for c in entity.children} | set(navigations(entity))
    for name in options.select:
        field = entity.by_name.get(name)
        if field is not None:
            fields.append(field)
        elif name not in children or name not in options.expand:
            raise BadQueryOption(f"$select: {entity.resource} has no field {name!r}.")
    return tuple(fields)


def _expand(options: QueryOptions, entity: Entity, registry: Registry) -> tuple[Expand, ...]:
    expands: list[Expand] = []
    references = navigations(entity)
    for name in dict.fromkeys(options.expand):
        child = next((c for c in entity.children if c.name == name), None)
        if child is not None:
            target = registry.entity(entity.scope, child.resource)
            expands.append(Expand(name, child, None, target))
            continue
        reference = references.get(name)
        if reference is None:
            known = sorted([c.name for c in entity.children] + list(references))
            raise BadQueryOption(
                f"$expand: {entity.resource} has no child collection or reference {name!r}"
                f" (it has: {', '.join(known) or 'none'})."
            )
        expands.append(Expand(name, None, reference, registry.target(entity, reference)))
    return tuple(expands)


def _repeated(options: QueryOptions) -> tuple[tuple[str, str], ...]:
    query: list[tuple[str, str]] = []
    if options.filter_text is not None:
        query.append(("$filter", options.filter_text))
    if options.orderby:
        text = ",".join(f"{k.path} desc" if k.descending else k.path for k in options.orderby)
        query.append(("$orderby", text))
    if options.select is not None:
        query.append(("$select", ",".join(options.select)))
    if options.expand:
        query.append(("$expand", ",".join(options.expand)))
    if options.count:
        query.append(("$count", "true"))
    if options.modified_since is not None:
        query.append(("lastModifiedDateTime", options.modified_since.isoformat()))
        query.append(("lastModifiedDateTimeCondition", options.modified_condition))
    return tuple(query)
