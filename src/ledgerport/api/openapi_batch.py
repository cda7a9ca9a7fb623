"""The OpenAPI description of ``POST /api/$batch`` (OData 4.01 JSON batch)."""

from __future__ import annotations

from ledgerport.api.openapi_schemas import ERROR_RESPONSES, header_refs, ref

__all__ = ["batch_path", "batch_schemas"]

_JSON = "application/json"
_ID = {"type": "string", "pattern": "^[A-Za-z0-9_.:~-]{1,64}$"}

_DESCRIPTION = """\
Runs the requests in order through the same checks as single requests, and answers 200 with
one response per request that ran.

- `url` is absolute (`/api/9999/associates`) or relative to `/api/` (`9999/associates`).
  A URL that starts with `$<id>` is the entity request `<id>` created or changed
  (`$2/actions/release`).
- A body value that is exactly `"$<id>.<property>"` becomes that property of request
  `<id>`'s answer, with its JSON type (`"customerNo": "$1.customerNo"` gives a number).
  Other strings are left alone. A reference implies `dependsOn`.
- A request whose dependency failed is not run and answers 424.
- The batch stops at the first failure unless the batch request has
  `Prefer: odata.continue-on-error`.
- The requests of an `atomicityGroup` (adjacent in the batch) commit all or nothing; when one
  fails, the others answer 424. Outside groups, each request commits alone.
- At most `server.max_batch_requests` requests (413 beyond).
"""


def batch_path() -> dict[str, object]:
    ok = {
        "description": "One response per request that ran, in order.",
        "headers": header_refs("Idempotent-Replayed"),
        "content": {_JSON: {"schema": ref("schemas", "BatchResponse")}},
    }
    responses: dict[str, object] = {"200": ok}
    for status in (400, 401, 409, 413, 415, 422, 429, 503):
        responses[str(status)] = ref("responses", ERROR_RESPONSES[status][0])
    example = {
        "requests": [
            {
                "id": "1",
                "method": "POST",
                "url": "9999/associates",
                "body": {"name": "Fjordkraft Handel AS", "customerNo": "next"},
            },
            {
                "id": "2",
                "method": "POST",
                "url": "9999/orders",
                "body": {"customerNo": "$1.customerNo"},
            },
            {"id": "3", "method": "GET", "url": "$2"},
        ]
    }
    operation = {
        "tags": ["batch"],
        "summary": "Run many requests in one round trip",
        "description": _DESCRIPTION,
        "operationId": "batch",
        "parameters": [
            {
                "name": "Prefer",
                "in": "header",
                "description": "`odata.continue-on-error`: run on after a failed request.",
                "schema": {"type": "string"},
            },
            ref("parameters", "Idempotency-Key"),
        ],
        "requestBody": {
            "required": True,
            "content": {_JSON: {"schema": ref("schemas", "BatchRequest"), "example": example}},
        },
        "responses": responses,
        "security": [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": ["read"]}],
    }
    return {"post": operation}


def batch_schemas() -> dict[str, object]:
    request = {
        "type": "object",
        "required": ["id", "method", "url"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
            "url": {"type": "string", "examples": ["9999/associates", "$1/actions/release"]},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "body": {"description": 'The JSON body; `"$<id>.<property>"` values refer.'},
            "dependsOn": {"type": "array", "items": _ID},
            "atomicityGroup": _ID,
        },
    }
    response = {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": _ID,
            "status": {"type": "integer"},
            "atomicityGroup": _ID,
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "body": {"description": "The entity, or a problem document for an error."},
        },
    }
    return {
        "BatchRequest": {
            "type": "object",
            "required": ["requests"],
            "additionalProperties": False,
            "properties": {
                "requests": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/components/schemas/BatchRequestItem"},
                }
            },
        },
        "BatchRequestItem": request,
        "BatchResponse": {
            "type": "object",
            "properties": {
                "responses": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/BatchResponseItem"},
                }
            },
        },
        "BatchResponseItem": response,
    }
