"""Data model changes at run time, and how every process learns of them.

A change takes the model lock, re-reads the stored definitions (another process may have
changed the model a moment ago), checks the change against that registry, runs its DDL and
bumps ``registry_version`` in one transaction. The process that made it swaps its registry
right after the commit; every other process polls the version (one indexed one-row read
every ``POLL_SECONDS``, off the request path) and rebuilds its registry when it moved, so a
new field is usable everywhere within a second and costs requests nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.errors import Conflict, FieldError, NotFound, ValidationFailed
from ledgerport.model import BUILTIN_ENTITIES, Entity, Registry, Scope
from ledgerport.model.extensions import (
    FieldDefinition,
    TableDefinition,
    check_field,
    check_table,
    extend,
)
from ledgerport.query.tables import Tables
from ledgerport.services import Services
from ledgerport.store import extensions as store
from ledgerport.store.database import Database

__all__ = [
    "POLL_SECONDS",
    "add_field",
    "add_table",
    "change_field",
    "load_registry",
    "remove_field",
    "remove_table",
    "restore_field",
    "watch_registry",
]

log = logging.getLogger("ledgerport")

POLL_SECONDS = 0.5


async def load_registry(conn: AsyncConnection) -> Registry:
    """The live registry: the built-in model with the stored extensions."""
    stored = await store.load(conn)
    return extend(BUILTIN_ENTITIES, stored.tables, stored.fields, stored.version)


async def reload(services: Services) -> None:
    async with services.database.read() as conn:
        registry = await load_registry(conn)
    if registry.version != services.registry.version:
        services.use_registry(registry)
        log.info("data model version %d in use", registry.version)


async def watch_registry(services: Services, stop: asyncio.Event) -> None:
    """Poll the model version until ``stop`` is set; swap the registry when it moved."""
    while not stop.is_set():
        try:
            async with services.database.read() as conn:
                version = await store.read_version(conn)
            if version != services.registry.version:
                await reload(services)
        except Exception:
            log.warning("could not check the data model version; retrying", exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)


Change = Callable[[AsyncConnection, Registry, Tables], Awaitable[int]]


async def _change(services: Services, change: Change) -> Registry:
    database: Database = services.database
    async with database.write() as conn:
        await store.lock_model(conn)
        registry = await load_registry(conn)
        await change(conn, registry, Tables.build(registry))
    await reload(services)
    return services.registry


def _entity(registry: Registry, scope: Scope, resource: str) -> Entity:
    entity = registry.get(scope, resource)
    if entity is None:
        raise NotFound(f"There is no entity {resource!r} in {scope.value}.")
    return entity


def _refuse(problems: dict[str, str], what: str) -> None:
    if problems:
        raise ValidationFailed(
            f"The {what} is not valid.",
            errors=[FieldError(member, message) for member, message in problems.items()],
        )


async def add_field(services: Services, definition: FieldDefinition) -> Registry:
    async def change(conn: AsyncConnection, registry: Registry, tables: Tables) -> int:
        _refuse(check_field(registry, definition), "field definition")
        entity = _entity(registry, definition.scope, definition.resource)
        return await store.add_field(conn, tables, entity, definition)

    return await _change(services, change)


async def change_field(
    services: Services, scope: Scope, resource: str, name: str, changes: dict[str, object]
) -> Registry:
    """``changes``: ``label``, ``default`` (typed) and ``length`` (only longer)."""

    async def change(conn: AsyncConnection, registry: Registry, tables: Tables) -> int:
        entity = _entity(registry, scope, resource)
        current = _custom_field(registry, entity, name)
        length = changes.get("length", current.length)
        if "length" in changes:
            if current.length is None:
                _refuse({"length": "only strings have a length"}, "change")
            elif not isinstance(length, int) or length < current.length or length > 4000:
                _refuse({"length": f"can only grow, from {current.length} up to 4000"}, "change")
        updated = replace(
            current,
            length=length if isinstance(length, int) else current.length,
            label=str(changes.get("label", current.label)),
            default=changes.get("default", current.default),
        )
        return await store.change_field(conn, tables, entity, updated)

    return await _change(services, change)


async def remove_field(services: Services, scope: Scope, resource: str, name: str) -> Registry:
    async def change(conn: AsyncConnection, registry: Registry, tables: Tables) -> int:
        entity = _entity(registry, scope, resource)
        current = _custom_field(registry, entity, name)
        if entity.custom and name in entity.key:
            raise Conflict(f"{name} is a key field of {resource}; remove the table instead.")
        return await store.remove_field(conn, tables, entity, current)

    return await _change(services, change)


async def restore_field(
    services: Services, scope: Scope, resource: str, name: str, *, purge: bool = False
) -> Registry:
    """Bring a removed field back with its data, or (``purge``) drop its data for good."""

    async def change(conn: AsyncConnection, registry: Registry, tables: Tables) -> int:
        entity = _entity(registry, scope, resource)
        removed = await store.find_removed(conn, scope, resource, name)
        if removed is None:
            raise NotFound(f"{resource} has no removed field {name!r}.")
        if purge:
            return await store.purge_field(conn, tables, entity, removed)
        if entity.field(name) is not None:
            raise Conflict(f"{resource} has a field {name!r} again; remove it first.")
        return await store.restore_field(conn, tables, entity, removed)

    return await _change(services, change)


async def add_table(
    services: Services, table: TableDefinition, fields: Sequence[FieldDefinition]
) -> Registry:
    async def change(conn: AsyncConnection, registry: Registry, tables: Tables) -> int:
        _refuse(check_table(registry, table, fields), "table definition")
        stored = await store.load(conn)
        grown = extend(
            BUILTIN_ENTITIES, (*stored.tables, table), (*stored.fields, *fields), stored.version
        )
        return await store.add_table(conn, Tables.build(grown), table, fields)

    return await _change(services, change)


async def remove_table(services: Services, resource: str) -> Registry:
    async def change(conn: AsyncConnection, registry: Registry, tables: Tables) -> int:
        entity = _entity(registry, Scope.COMPANY, resource)
        if not entity.custom:
            raise Conflict(f"{resource} is a built-in table; only custom tables can be removed.")
        rows = await store.count_rows(conn, tables, entity)
        if rows:
            raise Conflict(f"{resource} still has {rows} rows; delete them first.")
        return await store.drop_table(conn, tables, entity)

    return await _change(services, change)


def _custom_field(registry: Registry, entity: Entity, name: str) -> FieldDefinition:
    field = entity.field(name)
    if field is None:
        raise NotFound(f"{entity.resource} has no field {name!r}.")
    if not field.custom:
        raise Conflict(f"{name} is a built-in field of {entity.resource}; it cannot be changed.")
    return FieldDefinition(
        scope=entity.scope,
        resource=entity.resource,
        name=field.name,
        type=field.type,
        length=field.length,
        precision=field.precision,
        scale=field.scale,
        nullable=field.nullable,
        default=field.default,
        label=field.description,
        column=field.column,
    )
