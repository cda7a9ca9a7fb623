"""``/api/sys/fields`` and ``/api/sys/tables``: data model extensions over HTTP (admin only)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledgerport.api.authn import principal_for, services_of
from ledgerport.api.resources import read_body
from ledgerport.auth.policy import authorize
from ledgerport.codec import encode
from ledgerport.domain import extensions as dme
from ledgerport.errors import FieldError, Forbidden, NotFound, ValidationFailed
from ledgerport.model import Entity, Field, FieldType, Registry, Scope
from ledgerport.model.extensions import (
    CUSTOM_MODULE,
)
from ledgerport.plan.extensions import (
    entity_name,
    field_definition,
    table_definition,
    typed_default,
)
from ledgerport.request.intent import Method, Target
from ledgerport.request.parse import parse_body

__all__ = ["extension_routes"]

_JSON = "application/json"
_CHANGEABLE = frozenset({"label", "default", "length"})


def extension_routes() -> list[Route]:
    return [
        Route("/api/sys/fields", fields_collection, methods=["GET", "POST"]),
        Route("/api/sys/fields/{entity}/{name}", field_item, methods=["GET", "PATCH", "DELETE"]),
        Route("/api/sys/fields/{entity}/{name}/actions/{action}", field_action, methods=["POST"]),
        Route("/api/sys/tables", tables_collection, methods=["GET", "POST"]),
        Route("/api/sys/tables/{name}", table_item, methods=["GET", "DELETE"]),
    ]


async def _admin(request: Request, resource: str) -> None:
    principal = await principal_for(request)
    method = Method(request.method.upper())
    authorize(principal, Target(Scope.SYS, None, resource), method)
    if "admin" not in principal.scopes:
        raise Forbidden("Changing or reading the data model needs the 'admin' scope.")


async def _body(request: Request) -> dict[str, object]:
    services = services_of(request)
    raw = await read_body(request, services.settings.server.max_body_bytes)
    return parse_body(request.headers.get("content-type"), raw)


def _json(value: object, status: int = 200) -> Response:
    return Response(encode(value), status, media_type=_JSON)


# Fields -----------------------------------------------------------------------------------


async def fields_collection(request: Request) -> Response:
    await _admin(request, "fields")
    services = services_of(request)
    if request.method == "GET":
        wanted = request.query_params.get("entity")
        registry = services.registry
        found = [
            _field_json(e, f)
            for e in registry.entities
            for f in e.fields
            if f.custom and (wanted is None or e.qualified_name == wanted)
        ]
        return _json({"value": found})
    body = await _body(request)
    definition = field_definition(body, services.registry)
    registry = await dme.add_field(services, definition)
    entity = registry.entity(definition.scope, definition.resource)
    location = f"/api/sys/fields/{entity.qualified_name}/{definition.name}"
    response = _json(_field_json(entity, entity.by_name[definition.name]), 201)
    response.headers["Location"] = str(request.base_url).rstrip("/") + location
    return response


async def field_item(request: Request) -> Response:
    await _admin(request, "fields")
    services = services_of(request)
    scope, resource = entity_name(request.path_params["entity"])
    name = request.path_params["name"]
    if request.method == "GET":
        entity, field = _custom(services.registry, scope, resource, name)
        return _json(_field_json(entity, field))
    if request.method == "DELETE":
        purge = request.query_params.get("purge", "").lower() == "true"
        if purge:
            await dme.restore_field(services, scope, resource, name, purge=True)
        else:
            await dme.remove_field(services, scope, resource, name)
        return Response(status_code=204)
    body = await _body(request)
    entity, field = _custom(services.registry, scope, resource, name)
    unknown = sorted(set(body) - _CHANGEABLE)
    if unknown:
        raise ValidationFailed(
            "Only label, default and length (longer) can be changed.",
            errors=[FieldError(m, "cannot be changed") for m in unknown],
        )
    changes = dict(body)
    if "default" in changes:
        changes["default"] = typed_default(field, changes["default"])
    if "label" in changes and not isinstance(changes["label"], str):
        raise ValidationFailed(
            "label must be a string.", errors=[FieldError("label", "must be a string")]
        )
    registry = await dme.change_field(services, scope, resource, name, changes)
    changed = registry.entity(scope, resource)
    return _json(_field_json(changed, changed.by_name[name]))


async def field_action(request: Request) -> Response:
    await _admin(request, "fields")
    services = services_of(request)
    if request.path_params["action"] != "restore":
        raise NotFound("The only action on a field is restore.")
    scope, resource = entity_name(request.path_params["entity"])
    name = request.path_params["name"]
    registry = await dme.restore_field(services, scope, resource, name)
    entity = registry.entity(scope, resource)
    return _json(_field_json(entity, entity.by_name[name]))


def _custom(registry: Registry, scope: Scope, resource: str, name: str) -> tuple[Entity, Field]:
    entity = registry.get(scope, resource)
    field = entity.field(name) if entity is not None else None
    if entity is None or field is None or not field.custom:
        raise NotFound(f"There is no custom field {name!r} on {resource!r}.")
    return entity, field


def _field_json(entity: Entity, field: Field) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "entity": entity.qualified_name,
        "name": field.name,
        "type": field.type.value,
        "length": field.length,
        "nullable": field.nullable,
        "default": field.default,
        "label": field.description,
    }
    if field.type is FieldType.DECIMAL:
        shown["precision"], shown["scale"] = field.precision, field.scale
    return shown


# Tables -----------------------------------------------------------------------------------


async def tables_collection(request: Request) -> Response:
    await _admin(request, "tables")
    services = services_of(request)
    if request.method == "GET":
        custom = [e for e in services.registry.entities if e.module == CUSTOM_MODULE]
        return _json({"value": [_table_json(e) for e in custom]})
    body = await _body(request)
    table, fields = table_definition(body, services.registry)
    registry = await dme.add_table(services, table, fields)
    entity = registry.entity(Scope.COMPANY, table.resource)
    response = _json(_table_json(entity), 201)
    response.headers["Location"] = (
        f"{str(request.base_url).rstrip('/')}/api/sys/tables/{table.resource}"
    )
    return response


async def table_item(request: Request) -> Response:
    await _admin(request, "tables")
    services = services_of(request)
    name = request.path_params["name"]
    entity = services.registry.get(Scope.COMPANY, name)
    if entity is None or entity.module != CUSTOM_MODULE:
        raise NotFound(f"There is no custom table {name!r}.")
    if request.method == "DELETE":
        await dme.remove_table(services, name)
        return Response(status_code=204)
    return _json(_table_json(entity))


def _table_json(entity: Entity) -> dict[str, Any]:
    return {
        "name": entity.resource,
        "title": entity.title,
        "key": list(entity.key),
        "description": entity.description,
        "fields": [_field_json(entity, f) for f in entity.fields if f.custom],
    }
