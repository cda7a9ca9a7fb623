"""The OpenAPI 3.1 document of the live data model: every resource, option, auth scheme and error.

``build_openapi`` is a pure function of the registry (no HTTP, no I/O): a data model extension
gives a new registry and so a new document. ``api/docs.py`` serves it; the component schemas
come from ``api/openapi_schemas.py``.
"""

from __future__ import annotations

from typing import Any

from ledgerport import __version__
from ledgerport.api.openapi_actions import action_paths, business_parameters, business_schemas
from ledgerport.api.openapi_batch import batch_path, batch_schemas
from ledgerport.api.openapi_extensions import extension_paths, extension_schemas
from ledgerport.api.openapi_queries import (
    LIST_PARAMETERS,
    count_operation,
    delta_operation,
    list_extras,
    query_parameters,
)
from ledgerport.api.openapi_schemas import (
    ERROR_RESPONSES,
    EntityNames,
    company_parameter,
    create_schema,
    entity_names,
    entity_schema,
    error_responses,
    header_refs,
    headers,
    key_parameter_schema,
    list_schema,
    parameters,
    plural,
    problem_schema,
    ref,
    security_schemes,
)
from ledgerport.api.openapi_webhooks import (
    WEBHOOK_TAGS,
    custom_action_paths,
    webhook_events,
    webhook_paths,
    webhook_schemas,
)
from ledgerport.model import Entity, Registry, Scope

__all__ = ["OPENAPI_VERSION", "build_openapi", "collection_path", "item_path"]

OPENAPI_VERSION = "3.1.0"

JSON = "application/json"

_READ_ERRORS = (400, 401, 403, 404, 429, 503)
_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)
_CONDITIONAL_WRITE_ERRORS = (*_WRITE_ERRORS, 412)
_DELETE_ERRORS = (400, 401, 403, 404, 409, 412, 429, 503)

_MODULES = {
    "sys": "Company-independent system data, for users with `allow_sys`.",
    "catalog": "The product catalog shared by all companies, for users with `allow_catalog`.",
    "ledger": "Accounts, VAT codes, dimensions, vouchers and payments.",
    "sales": "Associates, terms, sales orders, customer invoices and open items.",
    "purchasing": "Supplier invoices and open supplier items.",
    "inventory": "Products, warehouses and stock balances.",
}
_HEALTH_TAG = "health"

_DESCRIPTION = """\
The integration API of ledgerport: one REST resource per table of the ERP data model,
generated from the live model (data model extensions included).

- **Where data lives**: company data under `/api/{companyNo}/{resource}`, company-independent
  data under `/api/sys/...` (users with `allow_sys`) and `/api/catalog/...` (`allow_catalog`).
  A composite key is its fields in key order as path segments
  (`/api/9999/orderlines/1001/2`). Another company's data answers 403.
- **Authentication**: HTTP Basic, or a Bearer token from `POST /api/oauth/token`
  (`password`, `authorization_code` with PKCE, `client_credentials`, `refresh_token`).
  Reading needs the `read` scope, writing `write`.
- **Lists** answer `{"value": [...], "@odata.nextLink": "..."}`. `$top` caps the total,
  `$skip` leaves rows out; follow `@odata.nextLink` (also in the `Link` header) for more:
  it carries a signed keyset cursor, so deep pages cost what the first costs. `$filter`,
  `$select`, `$orderby`, `$expand` and `$count=true` follow OData v4 (option names are
  case-insensitive); Visma.net's `pageSize`/`pageNumber` and `lastModifiedDateTime` +
  `lastModifiedDateTimeCondition` work too. `.../$count` answers a number;
  `.../$delta` gives an `@odata.deltaLink` that later returns what changed, deletions as
  `@removed` tombstones. Lists carry a weak `ETag`; `If-None-Match` answers 304.
- **Writes**: POST answers 201 with the stored entity and `Location`, PUT and PATCH 200 with
  the entity, DELETE 204; `Prefer: return=minimal` answers 204 instead. Every entity has an
  `ETag`: send it in `If-Match` to make a write conditional (412 when stale), or in
  `If-None-Match` on a GET (304 when unchanged).
- **Values**: JSON names are camelCase; decimals are exact JSON numbers, dates `YYYY-MM-DD`,
  datetimes ISO 8601 in UTC with `Z`.
- **Batch**: `POST /api/$batch` runs many requests in one round trip (OData JSON batch),
  with references to earlier answers and all-or-nothing atomicity groups.
  `Idempotency-Key` makes POST, PUT, PATCH and `$batch` safe to retry.
- **Errors** are RFC 9457 `application/problem+json` with a stable `code` and, for
  validation, an `errors` list naming each field at fault.
"""


def build_openapi(registry: Registry, *, server_url: str | None = None) -> dict[str, object]:
    """The OpenAPI 3.1.0 document of ``registry``; ``server_url`` (``https://host:port``)
    becomes the one server and the base of the OAuth2 URLs when given."""
    names = entity_names(registry)
    document: dict[str, object] = {"openapi": OPENAPI_VERSION, "info": _info()}
    if server_url:
        document["servers"] = [{"url": server_url}]
    document["tags"] = [*_tags(registry), *WEBHOOK_TAGS]
    document["security"] = [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": []}]
    document["paths"] = _paths(registry, names)
    document["components"] = _components(registry, names, server_url or "")
    _add_auth(document)
    document["webhooks"] = webhook_events(registry, lambda e: names[e.scope, e.resource].schema)
    return document


def _add_auth(document: dict[str, Any]) -> None:
    """The OAuth endpoints, API users, OAuth clients and the audit log."""
    from ledgerport.api.openapi_auth import AUTH_TAG, auth_paths, auth_schemas

    document["tags"].append(AUTH_TAG)
    document["paths"].update(auth_paths())
    document["components"]["schemas"].update(auth_schemas())


def _info() -> dict[str, object]:
    return {
        "title": "ledgerport",
        "version": __version__,
        "description": _DESCRIPTION,
        "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
    }


def _tags(registry: Registry) -> list[dict[str, str]]:
    """One tag per model module, in model order, then the health checks."""
    modules = dict.fromkeys(e.module for e in registry.entities)
    tags = [{"name": m, "description": _MODULES.get(m, f"The {m} module.")} for m in modules]
    return [
        *tags,
        {"name": "batch", "description": "Many requests in one round trip."},
        {"name": _HEALTH_TAG, "description": "Liveness and readiness (no auth)."},
    ]


# Paths ------------------------------------------------------------------------------------


def collection_path(entity: Entity) -> str:
    """``/api/{companyNo}/associates``, ``/api/sys/companies``."""
    first = "{companyNo}" if entity.scope is Scope.COMPANY else entity.scope.value
    return f"/api/{first}/{entity.resource}"


def item_path(entity: Entity) -> str:
    """``/api/{companyNo}/orderlines/{orderNo}/{lineNo}``: key fields in key order."""
    return collection_path(entity) + "".join(f"/{{{name}}}" for name in entity.key)


def _paths(registry: Registry, names: dict[tuple[Scope, str], EntityNames]) -> dict[str, object]:
    paths: dict[str, object] = {}
    for entity in registry.entities:
        named = names[entity.scope, entity.resource]
        paths[collection_path(entity)] = _collection_item(entity, named)
        paths[item_path(entity)] = _entity_item(entity, named)
        paths.update(_query_items(entity, named))
        paths.update(action_paths(names, item_path(entity), entity))
    paths["/api/$batch"] = batch_path()
    paths.update(extension_paths())
    paths["/healthz"] = {"get": _healthz()}
    paths["/readyz"] = {"get": _readyz()}
    paths.update(webhook_paths())
    for entity in registry.entities:
        parameters = [*_scope_parameters(entity), *_key_parameters(entity)]
        named = names[entity.scope, entity.resource]
        paths.update(custom_action_paths(entity, named, item_path(entity), parameters))
    return paths


def _collection_item(entity: Entity, names: EntityNames) -> dict[str, object]:
    item: dict[str, object] = {"parameters": _scope_parameters(entity)}
    item["get"] = _list_operation(entity, names)
    if not entity.read_only:
        item["post"] = _create_operation(entity, names)
    return item


def _query_items(entity: Entity, names: EntityNames) -> dict[str, object]:
    """``/$count`` and ``/$delta`` of a collection."""
    title = _lower_first(plural(entity.title))
    base = collection_path(entity)
    scope = _scope_parameters(entity)
    count = count_operation(entity.module, names.operation_id("count", many=True), title)
    delta = delta_operation(
        entity.module,
        names.operation_id("delta", many=True),
        title,
        f"#/components/schemas/{names.schema}List",
    )
    return {
        f"{base}/$count": {"parameters": scope, "get": count},
        f"{base}/$delta": {"parameters": scope, "get": delta},
    }


def _entity_item(entity: Entity, names: EntityNames) -> dict[str, object]:
    parameters = [*_scope_parameters(entity), *_key_parameters(entity)]
    item: dict[str, object] = {"parameters": parameters, "get": _get_operation(entity, names)}
    if not entity.read_only:
        item["put"] = _update_operation(entity, names, replace=True)
        item["patch"] = _update_operation(entity, names, replace=False)
        item["delete"] = _delete_operation(entity, names)
    return item


def _scope_parameters(entity: Entity) -> list[object]:
    return [company_parameter()] if entity.scope is Scope.COMPANY else []


def _key_parameters(entity: Entity) -> list[object]:
    return [
        {
            "name": field.name,
            "in": "path",
            "required": True,
            "description": f"Key field `{field.name}` of the {_lower_first(entity.title)}.",
            "schema": key_parameter_schema(field),
        }
        for field in entity.key_fields
    ]


# Operations -------------------------------------------------------------------------------


def _list_operation(entity: Entity, names: EntityNames) -> dict[str, object]:
    content = {JSON: {"schema": ref("schemas", f"{names.schema}List")}}
    ok = {"description": "A page of the list.", "headers": header_refs("Link"), "content": content}
    return _operation(
        entity,
        names.operation_id("list", many=True),
        f"List {_lower_first(plural(entity.title))}",
        scope="read",
        parameters=[ref("parameters", name) for name in LIST_PARAMETERS],
        responses={"200": ok},
        errors=_READ_ERRORS,
    )


def _create_operation(entity: Entity, names: EntityNames) -> dict[str, object]:
    created = {
        "description": "Created; the stored entity, assigned numbers and defaults included.",
        "headers": header_refs("Location", "ETag"),
        "content": _entity_content(names),
    }
    minimal = {
        "description": "Created (`Prefer: return=minimal`).",
        "headers": header_refs("Location", "ETag", "Preference-Applied"),
    }
    operation = _operation(
        entity,
        names.operation_id("create"),
        f"Create {_lower_first(entity.title)}",
        scope="write",
        parameters=[
            ref("parameters", "Prefer"),
            ref("parameters", "assignOrder"),
            ref("parameters", "Idempotency-Key"),
        ],
        responses={"201": created, "204": minimal},
        errors=_WRITE_ERRORS,
    )
    body_schema = ref("schemas", f"{names.schema}Create")
    operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body_schema}}}
    return operation


def _get_operation(entity: Entity, names: EntityNames) -> dict[str, object]:
    ok = {
        "description": "The entity.",
        "headers": header_refs("ETag"),
        "content": _entity_content(names),
    }
    unchanged = {
        "description": "Not modified: `If-None-Match` matched.",
        "headers": header_refs("ETag"),
    }
    return _operation(
        entity,
        names.operation_id("get"),
        f"Get {_lower_first(entity.title)}",
        scope="read",
        parameters=[ref("parameters", "If-None-Match"), ref("parameters", "expand")],
        responses={"200": ok, "304": unchanged},
        errors=_READ_ERRORS,
    )


def _update_operation(entity: Entity, names: EntityNames, *, replace: bool) -> dict[str, object]:
    """PUT replaces every writable field (omitted ones get their defaults); PATCH merges."""
    ok = {
        "description": "The changed entity.",
        "headers": header_refs("ETag"),
        "content": _entity_content(names),
    }
    minimal = {
        "description": "Changed (`Prefer: return=minimal`).",
        "headers": header_refs("ETag", "Preference-Applied"),
    }
    verb, summary = ("replace", "Replace") if replace else ("update", "Change")
    operation = _operation(
        entity,
        names.operation_id(verb),
        f"{summary} {_lower_first(entity.title)}",
        scope="write",
        parameters=[
            ref("parameters", "If-Match"),
            ref("parameters", "Prefer"),
            ref("parameters", "Idempotency-Key"),
        ],
        responses={"200": ok, "204": minimal},
        errors=_CONDITIONAL_WRITE_ERRORS,
    )
    operation["description"] = (
        "Replaces the entity: writable fields left out get their defaults."
        if replace
        else "Changes the fields sent; the others keep their values."
    ) + " Key and read-only fields may be sent back unchanged."
    schema: dict[str, object] = ref("schemas", names.schema)
    required = [f.name for f in entity.fields if f.required and f.name not in entity.key]
    if replace and required:
        schema = {"allOf": [schema, {"required": required}]}
    operation["requestBody"] = {"required": True, "content": {JSON: {"schema": schema}}}
    return operation


def _delete_operation(entity: Entity, names: EntityNames) -> dict[str, object]:
    return _operation(
        entity,
        names.operation_id("delete"),
        f"Delete {_lower_first(entity.title)}",
        scope="write",
        parameters=[ref("parameters", "If-Match")],
        responses={"204": {"description": "Deleted."}},
        errors=_DELETE_ERRORS,
    )


def _operation(
    entity: Entity,
    operation_id: str,
    summary: str,
    *,
    scope: str,
    parameters: list[object],
    responses: dict[str, object],
    errors: tuple[int, ...],
) -> dict[str, object]:
    """One data operation: tagged by module, secured by any scheme with ``scope``."""
    for status in sorted(errors):
        responses[str(status)] = ref("responses", ERROR_RESPONSES[status][0])
    return {
        "tags": [entity.module],
        "summary": summary,
        "operationId": operation_id,
        "parameters": parameters,
        "responses": responses,
        "security": [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": [scope]}],
    }


def _entity_content(names: EntityNames) -> dict[str, object]:
    return {JSON: {"schema": ref("schemas", names.schema)}}


def _healthz() -> dict[str, object]:
    schema = {"type": "object", "properties": {"status": {"const": "ok"}}}
    return {
        "tags": [_HEALTH_TAG],
        "summary": "Liveness: the process answers",
        "operationId": "healthz",
        "security": [],
        "responses": {"200": {"description": "Alive.", "content": {JSON: {"schema": schema}}}},
    }


def _readyz() -> dict[str, object]:
    schema = {
        "type": "object",
        "properties": {
            "status": {"enum": ["ready", "unavailable"]},
            "database": {"type": "string", "description": "The dialect, or `unreachable`."},
        },
    }
    content = {JSON: {"schema": schema}}
    return {
        "tags": [_HEALTH_TAG],
        "summary": "Readiness: the database answers",
        "operationId": "readyz",
        "security": [],
        "responses": {
            "200": {"description": "Ready.", "content": content},
            "503": {"description": "The database is unreachable.", "content": content},
        },
    }


# Components -------------------------------------------------------------------------------


def _components(
    registry: Registry, names: dict[tuple[Scope, str], EntityNames], server_url: str
) -> dict[str, object]:
    return {
        "schemas": _schemas(registry, names),
        "responses": error_responses(),
        "parameters": {**parameters(), **business_parameters(), **query_parameters()},
        "headers": headers(),
        "securitySchemes": security_schemes(server_url),
    }


def _schemas(registry: Registry, names: dict[tuple[Scope, str], EntityNames]) -> dict[str, object]:
    schemas: dict[str, object] = {
        "Problem": problem_schema(),
        **batch_schemas(),
        **extension_schemas(),
        **webhook_schemas(),
    }
    for entity in registry.entities:
        name = names[entity.scope, entity.resource].schema
        schemas[name] = entity_schema(entity, registry)
        if not entity.read_only:
            schemas[f"{name}Create"] = create_schema(entity, registry)
        item = f"#/components/schemas/{name}"
        page = list_schema(item, f"{plural(entity.title)} (a page)")
        properties = page["properties"]
        assert isinstance(properties, dict)
        properties.update(list_extras())
        schemas[f"{name}List"] = page
    business_schemas(registry, names, schemas)
    return schemas


# Words ------------------------------------------------------------------------------------


def _lower_first(text: str) -> str:
    """``Sales order`` → ``sales order``; ``VAT code`` stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
