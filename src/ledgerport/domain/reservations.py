"""Numbers of non-gapless series, reserved in a short transaction before the write.

The counter row is locked only for that short transaction, so creates of a company never
wait behind another create's whole write. A write that then fails leaves a gap, which
these series allow; a number that turns out taken (an explicit value written meanwhile)
is answered by reserving again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.domain.context import WorkContext
from ledgerport.domain.mutations import ensure_company
from ledgerport.domain.numbering import numbered_fields, take
from ledgerport.model import Registry
from ledgerport.plan.plan import Create
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database

__all__ = ["RESERVE_ATTEMPTS", "reserve"]

RESERVE_ATTEMPTS = 3


async def reserve(
    database: Database,
    tables: Tables,
    registry: Registry,
    principal: Principal,
    plan: Create,
    now: dt.datetime,
    within: AsyncConnection | None = None,
) -> Create:
    """``plan`` with its non-gapless series numbers filled in (unchanged when none).

    ``within``: in the caller's transaction (a batch's), which then holds the counter lock
    until it commits.
    """
    company_no = plan.company_no
    if company_no is None:
        return plan
    fields = [f for f in numbered_fields(plan.entity, plan.values, plan.requested) if not f.gapless]
    if not fields:
        return plan
    async with database.write(within) as conn:
        await ensure_company(WorkContext(conn, tables, registry, principal, now), company_no)
        numbers = {
            f.name: await take(conn, tables, registry, principal, company_no, plan.entity, f, now)
            for f in fields
        }
    return replace(
        plan,
        values={**plan.values, **numbers},
        requested=plan.requested - numbers.keys(),
    )
