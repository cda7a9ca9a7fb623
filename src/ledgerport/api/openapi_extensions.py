"""The OpenAPI description of ``/api/sys/fields`` and ``/api/sys/tables`` (admin only)."""

from __future__ import annotations

from ledgerport.api.openapi_schemas import ERROR_RESPONSES, ref

__all__ = ["extension_paths", "extension_schemas"]

_JSON = "application/json"
_SECURITY = [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": ["admin"]}]
_TYPES = ["string", "integer", "decimal", "boolean", "date", "datetime"]


def _operation(
    operation_id: str,
    summary: str,
    ok: dict[str, object],
    errors: tuple[int, ...],
    body: str | None = None,
    description: str = "",
) -> dict[str, object]:
    responses: dict[str, object] = dict(ok)
    for status in errors:
        responses[str(status)] = ref("responses", ERROR_RESPONSES[status][0])
    operation: dict[str, object] = {
        "tags": ["sys"],
        "summary": summary,
        "operationId": operation_id,
        "responses": responses,
        "security": _SECURITY,
    }
    if description:
        operation["description"] = description
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {_JSON: {"schema": ref("schemas", body)}},
        }
    return operation


def _content(schema: str, *, many: bool = False) -> dict[str, object]:
    item = ref("schemas", schema)
    shape = {"type": "object", "properties": {"value": {"type": "array", "items": item}}}
    return {_JSON: {"schema": shape if many else item}}


def extension_paths() -> dict[str, object]:
    field_params = [
        {
            "name": "entity",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "`associates`, or `sys.companies` / `catalog.products`.",
        },
        {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    return {
        "/api/sys/fields": {
            "get": _operation(
                "sys_listCustomFields",
                "List custom fields",
                {
                    "200": {
                        "description": "The custom fields.",
                        "content": _content("CustomField", many=True),
                    }
                },
                (401, 403),
            ),
            "post": _operation(
                "sys_addCustomField",
                "Add a custom field to an entity",
                {
                    "201": {
                        "description": "Added; usable at once in every process.",
                        "content": _content("CustomField"),
                    }
                },
                (400, 401, 403, 503),
                body="CustomField",
                description="Existing rows get the default. The field is at once readable, "
                "writable, validated, usable in queries and shown in this document.",
            ),
        },
        "/api/sys/fields/{entity}/{name}": {
            "parameters": field_params,
            "get": _operation(
                "sys_getCustomField",
                "Get a custom field",
                {"200": {"description": "The field.", "content": _content("CustomField")}},
                (401, 403, 404),
            ),
            "patch": _operation(
                "sys_changeCustomField",
                "Change a custom field's label, default or length",
                {"200": {"description": "Changed.", "content": _content("CustomField")}},
                (400, 401, 403, 404, 409, 503),
                body="CustomFieldChange",
            ),
            "delete": _operation(
                "sys_removeCustomField",
                "Remove a custom field (its data is kept until purged)",
                {"204": {"description": "Removed (or, with `purge=true`, its data dropped)."}},
                (401, 403, 404, 409, 503),
                description="The data stays in the database and comes back with the `restore` "
                "action. `?purge=true` on a removed field drops its data for good.",
            ),
        },
        "/api/sys/fields/{entity}/{name}/actions/restore": {
            "parameters": field_params,
            "post": _operation(
                "sys_restoreCustomField",
                "Restore a removed custom field with its data",
                {"200": {"description": "Restored.", "content": _content("CustomField")}},
                (401, 403, 404, 409, 503),
            ),
        },
        "/api/sys/tables": {
            "get": _operation(
                "sys_listCustomTables",
                "List custom tables",
                {
                    "200": {
                        "description": "The custom tables.",
                        "content": _content("CustomTable", many=True),
                    }
                },
                (401, 403),
            ),
            "post": _operation(
                "sys_addCustomTable",
                "Add a custom company table",
                {
                    "201": {
                        "description": "Created; served at /api/{companyNo}/{name}.",
                        "content": _content("CustomTable"),
                    }
                },
                (400, 401, 403, 503),
                body="CustomTable",
            ),
        },
        "/api/sys/tables/{name}": {
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": _operation(
                "sys_getCustomTable",
                "Get a custom table",
                {"200": {"description": "The table.", "content": _content("CustomTable")}},
                (401, 403, 404),
            ),
            "delete": _operation(
                "sys_removeCustomTable",
                "Remove an empty custom table",
                {"204": {"description": "Removed."}},
                (401, 403, 404, 409, 503),
            ),
        },
    }


def extension_schemas() -> dict[str, object]:
    field = {
        "type": "object",
        "required": ["name", "type"],
        "properties": {
            "entity": {
                "type": "string",
                "examples": ["associates"],
                "description": "The resource to extend (not sent inside a table).",
            },
            "name": {
                "type": "string",
                "pattern": "^[a-z][A-Za-z0-9]{1,39}$",
                "examples": ["loyaltyTier"],
            },
            "type": {"enum": _TYPES},
            "length": {
                "type": ["integer", "null"],
                "minimum": 1,
                "maximum": 4000,
                "description": "Required for strings.",
            },
            "precision": {"type": "integer", "minimum": 1, "maximum": 18},
            "scale": {"type": "integer", "minimum": 0, "maximum": 6},
            "nullable": {"type": "boolean", "default": True},
            "default": {"description": "A value of the field's type; existing rows get it."},
            "label": {"type": "string", "maxLength": 200},
        },
    }
    change = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "label": {"type": "string", "maxLength": 200},
            "default": {},
            "length": {"type": "integer", "description": "Only longer than before."},
        },
    }
    table = {
        "type": "object",
        "required": ["name", "key", "fields"],
        "properties": {
            "name": {
                "type": "string",
                "pattern": "^[a-z][a-z0-9]{2,39}$",
                "examples": ["loyaltycards"],
            },
            "title": {"type": "string"},
            "description": {"type": "string"},
            "key": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "fields": {"type": "array", "items": ref("schemas", "CustomField"), "minItems": 1},
        },
    }
    return {"CustomField": field, "CustomFieldChange": change, "CustomTable": table}
