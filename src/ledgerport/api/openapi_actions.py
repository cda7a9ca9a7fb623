"""OpenAPI paths of the business actions the model declares (``.../actions/{name}``)."""

from __future__ import annotations

from typing import Any

from ledgerport.api.openapi_schemas import (
    ERROR_RESPONSES,
    EntityNames,
    company_parameter,
    field_schema,
    header_refs,
    key_parameter_schema,
    ref,
)
from ledgerport.model import Child, Entity, Registry, Scope

__all__ = ["action_paths", "business_parameters", "business_schemas"]

JSON = "application/json"
_ERRORS = (400, 401, 403, 404, 409, 422, 429, 503)


def action_paths(
    names: dict[tuple[Scope, str], EntityNames], item_path: str, entity: Entity
) -> dict[str, object]:
    """``POST {item_path}/actions/{name}`` for every action of ``entity``."""
    paths: dict[str, object] = {}
    for action in entity.actions:
        created = action.creates
        answered = names[Scope.COMPANY, created or entity.resource]
        content = {JSON: {"schema": ref("schemas", answered.schema)}}
        if created:
            responses: dict[str, object] = {
                "201": {
                    "description": f"Done; the created {created} entity.",
                    "headers": header_refs("Location", "ETag"),
                    "content": content,
                }
            }
        else:
            responses = {
                "200": {
                    "description": "Done; the changed entity.",
                    "headers": header_refs("ETag"),
                    "content": content,
                }
            }
        for status in _ERRORS:
            responses[str(status)] = ref("responses", ERROR_RESPONSES[status][0])
        own = names[entity.scope, entity.resource]
        paths[f"{item_path}/actions/{action.name}"] = {
            "parameters": [
                company_parameter(),
                *(
                    {
                        "name": f.name,
                        "in": "path",
                        "required": True,
                        "schema": key_parameter_schema(f),
                    }
                    for f in entity.key_fields
                ),
            ],
            "post": {
                "tags": [entity.module],
                "summary": action.summary,
                "description": (
                    f"Runs in one transaction; emits `{entity.resource}.{action.event}`."
                ),
                "operationId": f"{action.name}{own.singular}",
                "responses": responses,
                "security": [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": ["write"]}],
            },
        }
    return paths


def business_schemas(
    registry: Registry, names: dict[tuple[Scope, str], EntityNames], schemas: dict[str, object]
) -> None:
    """Add to the generated schemas what the business features accept and answer:
    ``"next"`` on series fields, ``lines`` in a create (deep insert) and in an answer
    (deep insert, ``$expand``)."""
    for entity in registry.entities:
        name = names[entity.scope, entity.resource].schema
        create = schemas.get(f"{name}Create")
        if isinstance(create, dict):
            _accept_next(entity, create)
            for child in entity.children:
                child_entity = registry.entity(entity.scope, child.resource)
                create["properties"][child.name] = _child_rows(child_entity, child, registry)
        read = schemas.get(name)
        if isinstance(read, dict):
            for child in entity.children:
                child_name = names[entity.scope, child.resource].schema
                read["properties"][child.name] = {
                    "type": "array",
                    "items": ref("schemas", child_name),
                    "description": f"With `$expand={child.name}` and in a create's answer.",
                }


def _accept_next(entity: Entity, create: dict[str, Any]) -> None:
    for field in entity.fields:
        if field.series and field.name in create["properties"] and field.name not in entity.key:
            create["properties"][field.name] = {
                "anyOf": [create["properties"][field.name], {"const": "next"}],
                "description": 'A number, or "next" for the next of its number series.',
            }


def _child_rows(entity: Entity, child: Child, registry: Registry) -> dict[str, object]:
    linked = {c for _, c in child.link}
    properties = {
        f.name: field_schema(f, entity, registry)
        for f in entity.fields
        if not f.read_only and f.name not in linked
    }
    return {
        "type": "array",
        "description": f"Deep insert: {child.name} created with it, in one transaction.",
        "items": {"type": "object", "properties": properties, "additionalProperties": False},
    }


def business_parameters() -> dict[str, object]:
    """``$expand`` (one entity) and ``$assignOrder`` (a create)."""
    names = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]*(,[A-Za-z][A-Za-z0-9]*)*$"}
    return {
        "expand": {
            "name": "$expand",
            "in": "query",
            "description": "Child collections to include, e.g. `lines`.",
            "schema": names,
        },
        "assignOrder": {
            "name": "$assignOrder",
            "in": "query",
            "description": "Fields assigned first, in this order; the model's order for the "
            "rest. A derivation assigned later overwrites them.",
            "schema": names,
        },
    }
