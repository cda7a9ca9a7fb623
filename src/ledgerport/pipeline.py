"""One request through every stage: policy and plan → SQL → one transaction → response.

HTTP handlers, batch sub-requests, custom actions and the CLI's imports all call ``run``.
"""

from __future__ import annotations

from ledgerport.auth.principal import Principal
from ledgerport.domain import actions, mutations
from ledgerport.domain.context import WorkContext
from ledgerport.domain.reservations import RESERVE_ATTEMPTS, reserve
from ledgerport.errors import DuplicateKey, NotFound
from ledgerport.plan.plan import Create, Delete, ReadList, ReadOne, RunAction, Update
from ledgerport.plan.planner import plan_request
from ledgerport.request.intent import ResourceRequest
from ledgerport.response import (
    Outcome,
    entity_outcome,
    entity_path,
    list_outcome,
    no_content,
    not_modified,
)
from ledgerport.services import Services
from ledgerport.store import changelog
from ledgerport.store.rows import read_children, read_list, read_one

__all__ = ["run"]


async def run(request: ResourceRequest, principal: Principal, services: Services) -> Outcome:
    """Carry out ``request`` for ``principal``; raise a LedgerportError for the client."""
    registry, tables = services.registry, services.tables
    plan = plan_request(request, registry, principal, services.page_limits)
    database = services.database
    if isinstance(plan, ReadList):
        async with database.read() as conn:
            page = await read_list(conn, tables, plan)
        return list_outcome(page.rows, page.more, plan, request.target, request.base_url)
    if isinstance(plan, ReadOne):
        async with database.read() as conn:
            found = await read_one(conn, tables, plan)
            if found is not None:
                await read_children(conn, tables, registry, plan, found)
        if found is None:
            shown = ", ".join(f"{n} {v}" for n, v in zip(plan.entity.key, plan.key, strict=True))
            raise NotFound(f"There is no {plan.entity.title.lower()} with {shown}.")
        if request.if_none_match and (
            "*" in request.if_none_match or found.etag in request.if_none_match
        ):
            return not_modified(found.etag)
        return entity_outcome(found)
    if isinstance(plan, Create):
        for attempt in range(1, RESERVE_ATTEMPTS + 1):
            numbered = await reserve(database, tables, registry, principal, plan, services.clock())
            try:
                return await _write(request, numbered, principal, services)
            except DuplicateKey:
                if numbered is plan or attempt == RESERVE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")
    return await _write(request, plan, principal, services)


async def _write(
    request: ResourceRequest,
    plan: Create | Update | Delete | RunAction,
    principal: Principal,
    services: Services,
) -> Outcome:
    """One write transaction: the plan's rows and their change-log entries, or nothing."""
    async with services.database.write() as conn:
        ctx = WorkContext(conn, services.tables, services.registry, principal, services.clock())
        if isinstance(plan, RunAction):
            done = await actions.run(ctx, plan)
        elif isinstance(plan, Create):
            created = await actions.create_entity(ctx, plan)
        elif isinstance(plan, Update):
            updated = await mutations.update(ctx, plan)
        elif isinstance(plan, Delete):
            await mutations.delete(ctx, plan)
        await changelog.append(conn, ctx.changes)
    minimal = request.prefer.return_minimal
    if isinstance(plan, RunAction):
        return actions.outcome(done, request, minimal)
    if isinstance(plan, Create):
        location = request.base_url + entity_path(request.target, created)
        return entity_outcome(created, status=201, minimal=minimal, location=location)
    if isinstance(plan, Update):
        return entity_outcome(updated, minimal=minimal)
    return no_content()
