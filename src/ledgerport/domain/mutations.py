"""Create, update and delete: the business rules of a write, inside its transaction.

Order of a create: assign the key → fill defaults and timestamps → check references →
insert → record the change. Updates and deletes lock the row, check ``If-Match``, and
keep references whole (restrict or cascade).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ledgerport.auth.principal import Principal
from ledgerport.domain import derivations, documents
from ledgerport.domain.context import Stored, WorkContext
from ledgerport.domain.numbering import assign_key, check_interval, numbered_fields, take_in
from ledgerport.domain.references import (
    cascade_children,
    check_targets_exist,
    check_unreferenced,
)
from ledgerport.errors import (
    Conflict,
    DuplicateKey,
    FieldError,
    MissingReference,
    NotFound,
    PreconditionFailed,
    StillReferenced,
    ValidationFailed,
)
from ledgerport.model import Entity, Registry, Scope
from ledgerport.plan.plan import ChildRows, Create, Delete, Update, Values
from ledgerport.query.statements import (
    company_exists,
    delete_rows,
    insert_logged,
    insert_row,
    insert_rows,
    key_condition,
    match_condition,
    select_one,
    select_where,
    update_row,
)
from ledgerport.query.tables import Tables
from ledgerport.store.bulk import insert_logged_rows
from ledgerport.store.changelog import ChangeEntry, row_of
from ledgerport.store.integrity import INTEGRITY_ERRORS, Violation, classify
from ledgerport.store.reads import Reader
from ledgerport.store.rows import stored
from ledgerport.store.system import change_log

__all__ = [
    "create",
    "create_alone",
    "create_many",
    "delete",
    "ensure_company",
    "insert_entity",
    "joins_bulk",
    "unread_row",
    "update",
]


async def ensure_company(ctx: WorkContext, company_no: int | None) -> None:
    """Writes to company data need the company to exist (reads just find nothing)."""
    if company_no is None:
        return
    found = await ctx.conn.execute(
        company_exists(ctx.tables, ctx.registry), {"company": company_no}
    )
    if found.first() is None:
        raise NotFound(f"Company {company_no} does not exist.")


KEY_ATTEMPTS = 5
"""Tries at an assigned key when concurrent creates took the same next number."""


async def create(ctx: WorkContext, plan: Create) -> Stored:
    """Derive, default, check, number and insert an entity with its child rows.

    Reads (derivations, reference checks, line preparation) come first and gapless
    numbers last, so a gapless counter is locked only for the inserts.
    """
    entity, company_no = plan.entity, plan.company_no
    await ensure_company(ctx, company_no)
    document = await documents.parent_document(ctx, entity, company_no, plan.values)
    given = await _checked_values(ctx, plan)
    children = [(rows, await _prepare_rows(ctx, rows, company_no)) for rows in plan.children]
    if entity.totals is not None and company_no is not None:
        lines = [
            r
            for rows, prepared in children
            if rows.child.name == entity.totals.child
            for r in prepared
        ]
        given.update(await documents.totals_of(ctx, company_no, entity, lines))
    for name in sorted(plan.requested):
        if given.get(name) is None and company_no is not None:
            given[name] = await take_in(ctx, company_no, entity, entity.by_name[name])
    result = await insert_entity(ctx, entity, company_no, given)
    for rows, prepared in children:
        link = {theirs: result.values[own] for own, theirs in rows.child.link}
        written: list[Stored] = []
        for number, row in enumerate(prepared, start=1):
            line = {**row, **link}
            last = rows.entity.key[-1]
            if line.get(last) is None:
                line[last] = number
            written.append(await insert_entity(ctx, rows.entity, company_no, line))
        result.children[rows.child.name] = written
    if document is not None and company_no is not None:
        await documents.refresh_totals(ctx, company_no, document)
    return result


def joins_bulk(registry: Registry, plan: Create) -> bool:
    """Whether ``plan`` can be created with others of its resource in one INSERT.

    Rows with lines, document totals or a document to belong to need ``create``'s
    order of work; so do composite keys left to number (each waits for the one before).
    """
    entity = plan.entity
    return (
        not plan.children
        and entity.totals is None
        and not documents.is_document_line(registry, entity)
        and (len(entity.key) == 1 or plan.values.get(entity.key[-1]) is not None)
    )


async def create_many(ctx: WorkContext, plans: Sequence[Create]) -> list[Stored]:
    """Creates of one resource that ``joins_bulk``: each row prepared as ``create`` does
    (derive, default, check references, number), then all inserted by one statement.

    Any failure raises; the caller holds a savepoint to roll the whole run back to (and may
    then go one by one).
    """
    entity, company_no = plans[0].entity, plans[0].company_no
    await ensure_company(ctx, company_no)
    rows = [await _prepare_alone(ctx, plan) for plan in plans]
    if ctx.conn.dialect.name == "postgresql":
        return await _insert_arrays(ctx, entity, company_no, rows)
    created: list[Stored | None] = [None] * len(rows)
    shapes: dict[frozenset[str], list[int]] = {}
    for index, row in enumerate(rows):
        shapes.setdefault(frozenset(row), []).append(index)
    for indexes in shapes.values():
        statement, params = insert_rows(ctx.tables, entity, company_no, [rows[i] for i in indexes])
        try:
            returned = (await ctx.conn.execute(statement, params)).all()
        except INTEGRITY_ERRORS as exc:
            raise _write_conflict(exc, entity, rows[indexes[0]]) from exc
        for index, inserted in zip(indexes, returned, strict=True):
            created[index] = stored(entity, inserted)
    results = [c for c in created if c is not None]
    for result in results:
        ctx.record(result, company_no, "created", _visible(result.values))
    return results


def unread_row(registry: Registry, plan: Create, now: dt.datetime) -> dict[str, object] | None:
    """The row of a create that needs nothing read first, ready to insert: its key given,
    nothing to derive or number, no reference to look up. None for any other create.

    Such a create is one statement (``create_alone``); the rest go through ``create``.
    """
    entity, values = plan.entity, plan.values
    if plan.requested or not joins_bulk(registry, plan):
        return None
    if any(values.get(name) is None for name in entity.key):
        return None
    sources = {d.source for d in entity.derivations}
    for offset in entity.date_offsets:
        sources |= {offset.base, offset.via}
    if any(values.get(name) is not None for name in sources):
        return None
    given = _with_defaults(now, entity, values)
    for reference in entity.references:
        if all(given.get(name) is not None for name in reference.fields):
            return None
    _check_entity_rules(registry, entity, given)
    return given


async def _insert_arrays(
    ctx: WorkContext, entity: Entity, company_no: int | None, rows: list[dict[str, object]]
) -> list[Stored]:
    """PostgreSQL: the rows and their change-log entries in one statement per set of fields,
    values passed as one array per column (``store.bulk``). The rows are answered as
    sent: their values are typed and exact, so the stored rows hold them as given (a test
    compares the answers with reads of the rows)."""
    shapes: dict[frozenset[str], list[dict[str, object]]] = {}
    for row in rows:
        shapes.setdefault(frozenset(row), []).append(row)
    empty = dict.fromkeys(f.name for f in entity.fields)
    created = [Stored(entity, {**empty, **row}, 1) for row in rows]
    by_row = {id(row): c for row, c in zip(rows, created, strict=True)}
    for group in shapes.values():
        _, params = insert_rows(ctx.tables, entity, company_no, group)
        entries = [row_of(_created_entry(ctx.principal, by_row[id(r)], company_no)) for r in group]
        try:
            await insert_logged_rows(ctx.conn, ctx.tables, entity, params, entries)
        except INTEGRITY_ERRORS as exc:
            raise _write_conflict(exc, entity, group[0], company_no) from exc
    return created


def _created_entry(principal: Principal, created: Stored, company_no: int | None) -> ChangeEntry:
    """The change-log entry of a created row, from its values as validated: they are typed
    and exact (decimals at their scale), so the stored row holds them as given (what
    ``create`` records from the stored row)."""
    at = created.values["createdDateTime"]
    assert isinstance(at, dt.datetime)
    return ChangeEntry(
        at=at,
        company_no=company_no,
        resource=created.entity.qualified_name,
        operation="created",
        key=created.key,
        changes=_visible(created.values),
        username=principal.username,
        context_user=principal.context_user,
    )


async def create_alone(
    driver: Reader,
    tables: Tables,
    principal: Principal,
    plan: Create,
    row: Mapping[str, object],
) -> Stored:
    """``unread_row``'s row and its change-log entry in one autocommitted statement
    (PostgreSQL): one round trip where ``create`` takes five. The company's existence is
    left to the row's foreign key, the key's uniqueness to the primary key."""
    entity, company_no = plan.entity, plan.company_no
    values = {f.name: row.get(f.name) for f in entity.fields}
    entry = _created_entry(principal, Stored(entity, values, 1), company_no)
    statement, params = insert_logged(tables, entity, company_no, row, change_log, row_of(entry))
    try:
        # Not sent again on a lost connection: it may have committed (503 instead).
        (created,) = await driver.rows(statement, params, again=False)
    except INTEGRITY_ERRORS as exc:
        raise _write_conflict(exc, entity, row, company_no) from exc
    return stored(entity, created)


async def _checked_values(ctx: WorkContext, plan: Create) -> dict[str, object]:
    """The create's own row: derived, defaulted, checked against rules and references."""
    entity, company_no = plan.entity, plan.company_no
    values = await derivations.assign(ctx, entity, company_no, plan.values, plan.assign_order)
    given = _with_defaults(ctx.now, entity, values)
    _check_entity_rules(ctx.registry, entity, given)
    await check_targets_exist(ctx, entity, company_no, given)
    return given


async def _prepare_alone(ctx: WorkContext, plan: Create) -> dict[str, object]:
    entity, company_no = plan.entity, plan.company_no
    given = await _checked_values(ctx, plan)
    if company_no is not None:
        for field in numbered_fields(entity, given, plan.requested):
            if given.get(field.name) is None:
                given[field.name] = await take_in(ctx, company_no, entity, field)
    return given


async def _rederived(
    ctx: WorkContext, plan: Update, current: Stored, changed: dict[str, object]
) -> dict[str, object]:
    """What the changed fields derive, for fields the body does not send."""
    entity = plan.entity
    sources = {d.source for d in entity.derivations}
    for offset in entity.date_offsets:
        sources |= {offset.base, offset.via}
    inputs = {k: v for k, v in changed.items() if k in sources}
    if not inputs:
        return {}
    for offset in entity.date_offsets:
        if offset.base in inputs or offset.via in inputs:
            for name in (offset.base, offset.via):
                inputs.setdefault(name, current.values.get(name))
    derived = await derivations.assign(ctx, entity, plan.company_no, inputs)
    return {
        k: v
        for k, v in derived.items()
        if k not in plan.sent and k not in inputs and current.values.get(k) != v
    }


def _check_entity_rules(registry: Registry, entity: Entity, values: Mapping[str, object]) -> None:
    if entity.scope is Scope.COMPANY and entity.resource == "numberseries":
        check_interval(registry, values)


async def _prepare_rows(
    ctx: WorkContext, rows: ChildRows, company_no: int | None
) -> list[dict[str, object]]:
    prepared = []
    for row in rows.rows:
        values = await derivations.assign(ctx, rows.entity, company_no, row)
        given = _with_defaults(ctx.now, rows.entity, values)
        await check_targets_exist(ctx, rows.entity, company_no, given)
        prepared.append(given)
    return prepared


def _with_defaults(
    now: dt.datetime, entity: Entity, values: Mapping[str, object]
) -> dict[str, object]:
    given = dict(values)
    for field in entity.fields:
        if field.name not in given and field.default is not None:
            given[field.name] = field.default
    given["createdDateTime"] = now
    given["lastModifiedDateTime"] = now
    documents.apply_line_amount(entity, given)
    return given


async def insert_entity(
    ctx: WorkContext, entity: Entity, company_no: int | None, given: dict[str, object]
) -> Stored:
    """Insert (assigning an omitted key) and record the creation in the change log."""
    for attempt in range(1, KEY_ATTEMPTS + 1):
        values = await assign_key(ctx, entity, company_no, given)
        statement, params = insert_row(ctx.tables, entity, company_no, values)
        assigned = values.keys() != given.keys()
        try:
            if assigned or ctx.shared:
                # The transaction must survive a failed insert: to try the next number,
                # or for the caller that shares it (a batch) to go on.
                async with ctx.conn.begin_nested():
                    row = (await ctx.conn.execute(statement, params)).one()
            else:  # a failure ends the whole write: no savepoint round trips
                row = (await ctx.conn.execute(statement, params)).one()
            break
        except INTEGRITY_ERRORS as exc:
            if assigned and attempt < KEY_ATTEMPTS and classify(exc) is Violation.UNIQUE:
                continue
            raise _write_conflict(exc, entity, values) from exc
    result = stored(entity, row)
    ctx.record(result, company_no, "created", _visible(result.values))
    return result


async def update(ctx: WorkContext, plan: Update) -> Stored:
    entity = plan.entity
    current = await _locked(ctx, entity, plan.company_no, plan.key)
    _check_precondition(current, plan.if_match)
    documents.check_unlocked(current)
    document = await documents.parent_document(ctx, entity, plan.company_no, current.values)
    _check_echoed(current, plan.echoed)
    changed = {k: v for k, v in plan.values.items() if current.values.get(k) != v}
    changed |= await _rederived(ctx, plan, current, changed)
    if entity.line_amount is not None:
        merged = {**current.values, **changed}
        documents.apply_line_amount(entity, merged)
        if merged[entity.line_amount.into] != current.values.get(entity.line_amount.into):
            changed[entity.line_amount.into] = merged[entity.line_amount.into]
    if not changed:
        return current
    _check_entity_rules(ctx.registry, entity, {**current.values, **changed})
    await check_targets_exist(ctx, entity, plan.company_no, changed)
    await check_unreferenced(ctx, entity, plan.company_no, current.values, set(changed))
    changed["lastModifiedDateTime"] = ctx.now
    statement = update_row(ctx.tables, entity, plan.company_no, plan.key, changed)
    try:
        async with ctx.conn.begin_nested():
            row = (await ctx.conn.execute(statement)).one()
    except INTEGRITY_ERRORS as exc:
        raise _write_conflict(exc, entity, changed) from exc
    result = stored(entity, row)
    del changed["lastModifiedDateTime"]
    ctx.record(result, plan.company_no, "updated", changed)
    if document is not None and plan.company_no is not None:
        await documents.refresh_totals(ctx, plan.company_no, document)
    return result


async def delete(ctx: WorkContext, plan: Delete) -> None:
    entity = plan.entity
    current = await _locked(ctx, entity, plan.company_no, plan.key)
    _check_precondition(current, plan.if_match)
    documents.check_unlocked(current)
    document = await documents.parent_document(ctx, entity, plan.company_no, current.values)
    await _delete_stored(ctx, current, plan.company_no)
    if document is not None and plan.company_no is not None:
        await documents.refresh_totals(ctx, plan.company_no, document)


async def _delete_stored(ctx: WorkContext, current: Stored, company_no: int | None) -> None:
    entity = current.entity
    await check_unreferenced(ctx, entity, company_no, current.values)
    for child, reference in cascade_children(ctx, entity):
        link = {
            own: current.values[theirs]
            for own, theirs in zip(reference.fields, reference.target_fields, strict=True)
        }
        table = ctx.tables.of(child)
        condition = match_condition(table, child, company_no, link)
        rows = await ctx.conn.execute(select_where(ctx.tables, child, condition))
        for row in rows.all():
            await _delete_stored(ctx, stored(child, row), company_no)
    table = ctx.tables.of(entity)
    try:
        async with ctx.conn.begin_nested():
            condition = key_condition(table, entity, company_no, list(current.key.values()))
            await ctx.conn.execute(delete_rows(table, condition))
    except INTEGRITY_ERRORS as exc:
        raise StillReferenced(
            f"Other data still refers to this {entity.title.lower()}; delete that first."
        ) from exc
    ctx.record(current, company_no, "deleted", None)


async def _locked(
    ctx: WorkContext, entity: Entity, company_no: int | None, key: tuple[object, ...]
) -> Stored:
    statement = select_one(ctx.tables, entity, company_no, key, for_update=True)
    row = (await ctx.conn.execute(statement)).first()
    if row is None:
        raise NotFound(_not_found(entity, key))
    return stored(entity, row)


def _not_found(entity: Entity, key: tuple[object, ...]) -> str:
    shown = ", ".join(f"{n} {v}" for n, v in zip(entity.key, key, strict=True))
    return f"There is no {entity.title.lower()} with {shown}."


def _check_precondition(current: Stored, if_match: tuple[str, ...] | None) -> None:
    """RFC 9110 §13.1.1: strong comparison; ``*`` matches any current entity."""
    if if_match is None or "*" in if_match or current.etag in if_match:
        return
    raise PreconditionFailed(
        f"The {current.entity.title.lower()} has changed since you read it "
        f"(its ETag is now {current.etag}); read it again and retry.",
        headers={"ETag": current.etag},
    )


def _check_echoed(current: Stored, echoed: Values) -> None:
    errors = [
        FieldError(name, "is read-only (set by the server); send it unchanged or leave it out")
        for name, value in echoed.items()
        if current.values.get(name) != value
    ]
    if errors:
        raise ValidationFailed("Read-only fields cannot be changed.", errors=errors)


def _visible(values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if k not in ("createdDateTime", "lastModifiedDateTime")}


def _write_conflict(
    exc: Exception, entity: Entity, values: Mapping[str, object], company_no: int | None = None
) -> Exception:
    kind = classify(exc)
    if kind is Violation.COMPANY and company_no is not None:
        return NotFound(f"Company {company_no} does not exist.")
    if kind is Violation.UNIQUE:
        taken = [f.name for f in entity.fields if f.unique and values.get(f.name) is not None]
        shown = ", ".join(f"{n} {values.get(n)}" for n in (*entity.key, *taken))
        title = entity.title.lower()
        article = "An" if title[:1] in "aeiou" else "A"
        return DuplicateKey(
            f"{article} {title} with {shown} already exists.",
            errors=[FieldError(n, "is already taken") for n in (*entity.key, *taken)],
        )
    if kind in (Violation.FOREIGN_KEY, Violation.COMPANY):
        return MissingReference(f"The {entity.title.lower()} refers to something that is gone.")
    return Conflict(f"The {entity.title.lower()} conflicts with stored data.")
