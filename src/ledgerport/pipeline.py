"""One request through every stage: policy and plan → SQL → one transaction → response.

HTTP handlers, batch sub-requests, custom actions and the CLI's imports all call ``run``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.domain import actions, mutations
from ledgerport.domain.context import Stored, WorkContext
from ledgerport.domain.reservations import RESERVE_ATTEMPTS, reserve
from ledgerport.errors import DuplicateKey, LedgerportError, NotFound
from ledgerport.pages import count_outcome, delta_outcome, json_outcome, page_outcome
from ledgerport.plan.plan import (
    Create,
    Delete,
    ReadCount,
    ReadDelta,
    ReadList,
    ReadOne,
    RunAction,
    Update,
)
from ledgerport.plan.planner import plan_request
from ledgerport.request.intent import Method, ResourceRequest
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
from ledgerport.store.rows import read_children, read_one

__all__ = ["Recorder", "bulk_create_plan", "run", "run_creates"]

Recorder = Callable[[AsyncConnection, Outcome], Awaitable[None]]
"""Stores a write's answer inside the write's own transaction (idempotency keys)."""


async def run(
    request: ResourceRequest,
    principal: Principal,
    services: Services,
    *,
    within: AsyncConnection | None = None,
    record: Recorder | None = None,
) -> Outcome:
    """Carry out ``request`` for ``principal``; raise a LedgerportError for the client.

    ``within`` runs it inside a transaction the caller holds (a batch's atomicity group)
    instead of its own; ``record`` is called with the answer of a write before it commits.
    """
    registry, tables = services.registry, services.tables
    plan = plan_request(request, registry, principal, services.page_limits)
    database = services.database
    if isinstance(plan, ReadList):
        delta = request.target.rest == ("$delta",)
        async with database.reader(within) as reader:
            page = await read_page(reader, tables, plan, delta=delta)
        return page_outcome(request, plan, page, services.secret_key)
    if isinstance(plan, ReadCount):
        async with database.reader(within) as reader:
            return count_outcome(await read_count(reader, tables, plan))
    if isinstance(plan, ReadDelta):
        async with database.reader(within) as reader:
            changes = await read_delta(reader, tables, plan)
        return delta_outcome(request, plan, changes, services.secret_key)
    if isinstance(plan, ReadOne) and plan.expand:
        # With child collections (business documents): rows, then their children.
        async with database.read(within) as conn:
            found = await read_one(conn, tables, plan)
            if found is not None:
                await read_children(conn, tables, registry, plan, found)
        if found is None:
            raise _not_found(plan)
        if request.if_none_match and (
            "*" in request.if_none_match or found.etag in request.if_none_match
        ):
            return not_modified(found.etag)
        return entity_outcome(found)
    if isinstance(plan, ReadOne):
        # The entity alone: its JSON is built by the database.
        async with database.reader(within) as reader:
            json_found = await read_one_json(reader, tables, plan)
        if json_found is None:
            raise _not_found(plan)
        body, etag = json_found
        if request.if_none_match and (
            "*" in request.if_none_match or etag in request.if_none_match
        ):
            return not_modified(etag)
        return json_outcome(body, etag)
    if isinstance(plan, Create):
        for attempt in range(1, RESERVE_ATTEMPTS + 1):
            now = services.clock()
            numbered = await reserve(database, tables, registry, principal, plan, now, within)
            alone = within is None and record is None and database.driver is not None
            row = actions.unread_row(registry, numbered, now) if alone else None
            try:
                if row is not None and database.driver is not None:
                    created = await mutations.create_alone(
                        database.driver, tables, principal, numbered, row
                    )
                    return _created(request, created)
                return await _write(request, numbered, principal, services, within, record)
            except DuplicateKey:
                if numbered is plan or attempt == RESERVE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")
    return await _write(request, plan, principal, services, within, record)


def bulk_create_plan(
    request: ResourceRequest, principal: Principal, services: Services
) -> Create | None:
    """The plan of ``request`` when it is a create that may join others in ``run_creates``;
    None for any other request, and for one that fails planning (``run`` answers it)."""
    if request.method is not Method.POST:
        return None
    try:
        plan = plan_request(request, services.registry, principal, services.page_limits)
    except LedgerportError:
        return None
    if isinstance(plan, Create) and actions.joins_bulk(services.registry, plan):
        return plan
    return None


async def run_creates(
    requests: Sequence[ResourceRequest],
    plans: Sequence[Create],
    principal: Principal,
    services: Services,
    within: AsyncConnection,
) -> list[Outcome]:
    """Creates of one resource and company, each ``bulk_create_plan``'s plan of its request,
    as one INSERT in the caller's transaction: the answers ``run`` would give, or an error
    for the whole run (the caller rolls back to its savepoint)."""
    ctx = WorkContext(
        within, services.tables, services.registry, principal, services.clock(), shared=True
    )
    created = await mutations.create_many(ctx, plans)
    await changelog.append(within, ctx.changes)
    return [_created(r, c) for r, c in zip(requests, created, strict=True)]


def _created(request: ResourceRequest, created: Stored) -> Outcome:
    location = request.base_url + entity_path(request.target, created)
    minimal = request.prefer.return_minimal
    return entity_outcome(created, status=201, minimal=minimal, location=location)


async def _write(
    request: ResourceRequest,
    plan: Create | Update | Delete | RunAction,
    principal: Principal,
    services: Services,
    within: AsyncConnection | None,
    record: Recorder | None,
) -> Outcome:
    """One write transaction: the plan's rows and their change-log entries, or nothing."""
    minimal = request.prefer.return_minimal
    async with services.database.write(within) as conn:
        ctx = WorkContext(
            conn,
            services.tables,
            services.registry,
            principal,
            services.clock(),
            shared=within is not None,
        )
        if isinstance(plan, RunAction):
            outcome = actions.outcome(await actions.run(ctx, plan), request, minimal)
        elif isinstance(plan, Create):
            outcome = _created(request, await actions.create_entity(ctx, plan))
        elif isinstance(plan, Update):
            outcome = entity_outcome(await mutations.update(ctx, plan), minimal=minimal)
        else:
            await mutations.delete(ctx, plan)
            outcome = no_content()
        await changelog.append(conn, ctx.changes)
        if record is not None:
            await record(conn, outcome)
    return outcome


def _not_found(plan: ReadOne) -> NotFound:
    shown = ", ".join(f"{n} {v}" for n, v in zip(plan.entity.key, plan.key, strict=True))
    return NotFound(f"There is no {plan.entity.title.lower()} with {shown}.")
