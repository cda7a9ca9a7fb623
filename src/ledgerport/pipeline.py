"""One request through every stage: policy and plan → SQL → one transaction → response.

HTTP handlers, batch sub-requests, custom actions and the CLI's imports all call ``run``.
"""

from __future__ import annotations

from ledgerport.auth.principal import Principal
from ledgerport.domain import mutations
from ledgerport.domain.context import WorkContext
from ledgerport.errors import NotFound
from ledgerport.pages import count_outcome, delta_outcome, json_outcome, page_outcome
from ledgerport.plan.plan import Create, Delete, ReadCount, ReadDelta, ReadList, ReadOne, Update
from ledgerport.plan.planner import plan_request
from ledgerport.request.intent import ResourceRequest
from ledgerport.response import (
    Outcome,
    entity_outcome,
    entity_path,
    no_content,
    not_modified,
)
from ledgerport.services import Services
from ledgerport.store import changelog
from ledgerport.store.lists import read_count, read_delta, read_one_json, read_page

__all__ = ["run"]


async def run(request: ResourceRequest, principal: Principal, services: Services) -> Outcome:
    """Carry out ``request`` for ``principal``; raise a LedgerportError for the client."""
    registry, tables = services.registry, services.tables
    plan = plan_request(request, registry, principal, services.page_limits)
    database = services.database
    if isinstance(plan, ReadList):
        delta = request.target.rest == ("$delta",)
        async with database.read() as conn:
            page = await read_page(conn, tables, plan, delta=delta)
        return page_outcome(request, plan, page, services.secret_key)
    if isinstance(plan, ReadCount):
        async with database.read() as conn:
            return count_outcome(await read_count(conn, tables, plan))
    if isinstance(plan, ReadDelta):
        async with database.read() as conn:
            changes = await read_delta(conn, tables, plan)
        return delta_outcome(request, plan, changes, services.secret_key)
    if isinstance(plan, ReadOne):
        async with database.read() as conn:
            found = await read_one_json(conn, tables, plan)
        if found is None:
            shown = ", ".join(f"{n} {v}" for n, v in zip(plan.entity.key, plan.key, strict=True))
            raise NotFound(f"There is no {plan.entity.title.lower()} with {shown}.")
        body, etag = found
        if request.if_none_match and (
            "*" in request.if_none_match or etag in request.if_none_match
        ):
            return not_modified(etag)
        return json_outcome(body, etag)
    async with database.write() as conn:
        ctx = WorkContext(conn, tables, registry, principal, services.clock())
        if isinstance(plan, Create):
            created = await mutations.create(ctx, plan)
        elif isinstance(plan, Update):
            updated = await mutations.update(ctx, plan)
        elif isinstance(plan, Delete):
            await mutations.delete(ctx, plan)
        await changelog.append(conn, ctx.changes)
    minimal = request.prefer.return_minimal
    if isinstance(plan, Create):
        location = request.base_url + entity_path(request.target, created)
        return entity_outcome(created, status=201, minimal=minimal, location=location)
    if isinstance(plan, Update):
        return entity_outcome(updated, minimal=minimal)
    return no_content()
