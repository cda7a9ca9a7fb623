"""OpenAPI paths of the business actions the model declares (``.../actions/{name}``)."""

from __future__ import annotations

from ledgerport.api.openapi_schemas import (
    ERROR_RESPONSES,
    EntityNames,
    company_parameter,
    header_refs,
    key_parameter_schema,
    ref,
)
from ledgerport.model import Entity, Scope

__all__ = ["action_paths"]

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
