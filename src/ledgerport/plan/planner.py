"""Turn a ResourceRequest into a plan: policy, resource, key, method and payload checked."""

from __future__ import annotations

from dataclasses import dataclass

from ledgerport.auth.policy import authorize
from ledgerport.auth.principal import Principal
from ledgerport.errors import (
    BadPath,
    FieldError,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    UnknownAction,
    UnknownResource,
)
from ledgerport.model import Entity, Registry
from ledgerport.plan.documents import action_plan, create_plan, expanded_children
from ledgerport.plan.lists import ListLimits, plan_count, plan_delta, plan_list
from ledgerport.plan.plan import Delete, Plan, ReadOne, Update
from ledgerport.plan.validate import update_values
from ledgerport.plan.values import Invalid, convert_key_segment
from ledgerport.request.intent import Method, ResourceRequest

__all__ = ["PageLimits", "plan_request", "resolve_key"]

RESERVED_AFTER_KEY = frozenset({"actions", "$delta", "$count"})


@dataclass(frozen=True)
class PageLimits:
    default_page_size: int
    max_page_size: int
    max_filter_depth: int = 24
    secret: str = ""
    """The database's secret key, which signs cursors."""

    def lists(self) -> ListLimits:
        return ListLimits(
            self.default_page_size, self.max_page_size, self.max_filter_depth, self.secret
        )


def plan_request(
    request: ResourceRequest, registry: Registry, principal: Principal, limits: PageLimits
) -> Plan:
    """Check ``request`` against policy and the data model; raise the first stage's error."""
    target = request.target
    authorize(principal, target, request.method)
    entity = registry.get(target.scope, target.resource)
    if entity is None:
        raise UnknownResource(f"There is no resource {target.resource!r} in {target.scope}.")
    if target.rest == ("$count",):
        return plan_count(request, entity, registry, limits.lists())
    if target.rest == ("$delta",):
        return plan_delta(request, entity, registry, limits.lists())
    if len(target.rest) > len(entity.key):
        extra = target.rest[len(entity.key)]
        if extra == "actions":
            key = resolve_key(entity, target.rest[: len(entity.key)])
            rest = target.rest[len(entity.key) :]
            return action_plan(entity, target.company_no, key, rest, request.method)
        if extra in RESERVED_AFTER_KEY:
            raise UnknownAction(f"{extra!r} is not available on {entity.resource}.")
        raise BadPath(
            f"{entity.resource} has a key of {len(entity.key)} segment(s) "
            f"({', '.join(entity.key)}); the path has more."
        )
    if target.rest and len(target.rest) < len(entity.key):
        raise NotFound(
            f"{entity.resource} has a key of {len(entity.key)} segments "
            f"({', '.join(entity.key)}); give all of them."
        )
    if target.rest:
        return _entity_plan(request, entity, resolve_key(entity, target.rest))
    return _collection_plan(request, entity, registry, limits)


def resolve_key(entity: Entity, segments: tuple[str, ...]) -> tuple[object, ...]:
    """Typed key values from path segments; a malformed key cannot name anything: 404."""
    key: list[object] = []
    for field, segment in zip(entity.key_fields, segments, strict=True):
        try:
            key.append(convert_key_segment(field, segment))
        except Invalid as exc:
            raise NotFound(
                f"No {entity.title.lower()} has {field.name} {segment!r}: {exc}.",
                errors=[FieldError(field.name, str(exc))],
            ) from None
    return tuple(key)


def _collection_plan(
    request: ResourceRequest, entity: Entity, registry: Registry, limits: PageLimits
) -> Plan:
    company = request.target.company_no
    if request.method is Method.GET:
        return plan_list(request, entity, registry, limits.lists())
    if request.method is Method.POST:
        _writable(entity, request.method)
        return create_plan(entity, company, _body(request), registry, request.options)
    raise MethodNotAllowed(
        f"{request.method} needs the key of one {entity.title.lower()}.",
        headers={"Allow": "GET, POST"},
    )


def _entity_plan(request: ResourceRequest, entity: Entity, key: tuple[object, ...]) -> Plan:
    company = request.target.company_no
    match request.method:
        case Method.GET:
            return ReadOne(entity, company, key, expanded_children(entity, request.options.expand))
        case Method.PUT | Method.PATCH:
            _writable(entity, request.method)
            values, echoed = update_values(
                entity, _body(request), key, replace=request.method is Method.PUT
            )
            sent = frozenset(_body(request))
            return Update(entity, company, key, values, echoed, request.if_match, sent)
        case Method.DELETE:
            _writable(entity, request.method)
            return Delete(entity, company, key, request.if_match)
    raise MethodNotAllowed(
        f"{request.method} is not allowed on one {entity.title.lower()}; POST to the list.",
        headers={"Allow": "GET, PUT, PATCH, DELETE"},
    )


def _writable(entity: Entity, method: Method) -> None:
    if entity.read_only:
        raise MethodNotAllowed(f"{entity.resource} is read-only.", headers={"Allow": "GET"})


def _body(request: ResourceRequest) -> dict[str, object]:
    if request.body is None:
        raise MalformedBody(f"{request.method} needs a JSON object body.")
    return dict(request.body)
