"""One request through every stage: policy and plan → SQL → one transaction → response.

HTTP handlers, batch sub-requests, custom actions and the CLI's imports all call ``run``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.domain import mutations
from ledgerport.domain.context import WorkContext
from ledgerport.errors import NotFound
from ledgerport.plan.plan import Create, Delete, ReadList, ReadOne, Update
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
from ledgerport.store.rows import read_list, read_one

__all__ = ["Recorder", "run"]

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
        async with _transaction(database.read, within) as conn:
            page = await read_list(conn, tables, plan)
        return list_outcome(page.rows, page.more, plan, request.target, request.base_url)
    if isinstance(plan, ReadOne):
        async with _transaction(database.read, within) as conn:
            found = await read_one(conn, tables, plan)
        if found is None:
            shown = ", ".join(f"{n} {v}" for n, v in zip(plan.entity.key, plan.key, strict=True))
            raise NotFound(f"There is no {plan.entity.title.lower()} with {shown}.")
        if request.if_none_match and (
            "*" in request.if_none_match or found.etag in request.if_none_match
        ):
            return not_modified(found.etag)
        return entity_outcome(found)
    async with _transaction(database.write, within) as conn:
        ctx = WorkContext(conn, tables, registry, principal, services.clock())
        minimal = request.prefer.return_minimal
        if isinstance(plan, Create):
            created = await mutations.create(ctx, plan)
            location = request.base_url + entity_path(request.target, created)
            outcome = entity_outcome(created, status=201, minimal=minimal, location=location)
        elif isinstance(plan, Update):
            updated = await mutations.update(ctx, plan)
            outcome = entity_outcome(updated, minimal=minimal)
        elif isinstance(plan, Delete):
            await mutations.delete(ctx, plan)
            outcome = no_content()
        await changelog.append(conn, ctx.changes)
        if record is not None:
            await record(conn, outcome)
    return outcome


def _transaction(
    begin: Callable[[], AbstractAsyncContextManager[AsyncConnection]],
    within: AsyncConnection | None,
) -> AbstractAsyncContextManager[AsyncConnection]:
    """A transaction of its own, or the caller's when it holds one."""
    return begin() if within is None else _held(within)


@asynccontextmanager
async def _held(conn: AsyncConnection) -> AsyncIterator[AsyncConnection]:
    yield conn
