"""OpenAPI pieces of list queries: OData options, Visma.net paging, ``/$count`` and ``/$delta``."""

from __future__ import annotations

from ledgerport.api.openapi_schemas import ref

__all__ = [
    "LIST_PARAMETERS",
    "count_operation",
    "delta_operation",
    "list_extras",
    "query_parameters",
]

LIST_PARAMETERS = (
    "top",
    "skip",
    "filter",
    "select",
    "orderby",
    "expand",
    "count",
    "skiptoken",
    "pageSize",
    "pageNumber",
    "lastModifiedDateTime",
    "lastModifiedDateTimeCondition",
    "PreferList",
    "If-None-Match",
)

_FILTER = (
    "OData v4 filter. Operators `eq ne gt ge lt le`, `and or not`, parentheses, `in (a, b)`; "
    "functions `contains startswith endswith` (case-sensitive) and `tolower toupper length`; "
    "literals `null`, numbers, `'strings'` ('' escapes a quote), dates `2024-01-31`, "
    "datetimes with an offset `2024-01-31T12:00:00Z`. A field of a referenced entity is "
    "reached through the reference named by its field without `No`/`Code` "
    "(`customer/city eq 'Oslo'` on orders). Comparisons with null follow OData: "
    "`x ne 'a'` is true and `x gt 1` false when x is null. An unknown field, a type "
    "mismatch or a malformed or too deep/long expression is a 400 naming it."
)


def _query(name: str, description: str, schema: dict[str, object]) -> dict[str, object]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


def query_parameters() -> dict[str, object]:
    """Parameter components of list queries (names are case-insensitive)."""
    text: dict[str, object] = {"type": "string"}
    whole: dict[str, object] = {"type": "integer", "minimum": 1}
    return {
        "filter": _query("$filter", _FILTER, text),
        "select": _query("$select", "Comma-separated fields to answer with.", text),
        "orderby": _query(
            "$orderby",
            "Comma-separated fields, each optionally `asc` or `desc`; the key breaks ties. "
            "Strings sort by code point; nulls first ascending, last descending.",
            text,
        ),
        "expand": _query(
            "$expand",
            "Child collections (`lines`, `contacts`) and single references (`customer`) "
            "to bring inline.",
            text,
        ),
        "count": _query(
            "$count",
            "`true` adds `@odata.count`, the number of matching rows.",
            {"type": "boolean"},
        ),
        "skiptoken": _query(
            "$skiptoken",
            "Opaque signed cursor from `@odata.nextLink`; follow the link as it is.",
            text,
        ),
        "deltatoken": _query(
            "$deltatoken", "Opaque signed change-log position from `@odata.deltaLink`.", text
        ),
        "pageSize": _query(
            "pageSize",
            "Visma.net paging: rows per page (at most the server's max page size); answers "
            "carry `metadata.totalCount` and `metadata.maxPageSize`.",
            whole,
        ),
        "pageNumber": _query("pageNumber", "Visma.net paging: 1-based page number.", whole),
        "lastModifiedDateTime": _query(
            "lastModifiedDateTime",
            "Visma.net: compare `lastModifiedDateTime` with this (ISO 8601; UTC if no offset).",
            {"type": "string", "format": "date-time"},
        ),
        "lastModifiedDateTimeCondition": _query(
            "lastModifiedDateTimeCondition",
            "How to compare `lastModifiedDateTime` (default `>`).",
            {"enum": [">", ">=", "<", "<=", "=", "gt", "ge", "lt", "le", "eq"]},
        ),
        "PreferList": {
            "name": "Prefer",
            "in": "header",
            "description": "`odata.maxpagesize=N` lowers the page size (OData §8.2.8.3).",
            "schema": text,
        },
    }


def list_extras() -> dict[str, object]:
    """Properties of a list page besides ``value`` and ``@odata.nextLink``."""
    return {
        "@odata.count": {"type": "integer", "description": "With `$count=true`."},
        "@odata.deltaLink": {
            "type": "string",
            "format": "uri",
            "description": "On the last page of a `$delta` walk: follow it later for changes.",
        },
        "metadata": {
            "type": "object",
            "description": "With `pageSize` (Visma.net).",
            "properties": {
                "totalCount": {"type": "integer"},
                "maxPageSize": {"type": "integer"},
            },
        },
    }


def count_operation(tag: str, operation_id: str, title: str) -> dict[str, object]:
    return {
        "tags": [tag],
        "summary": f"Count {title}",
        "operationId": operation_id,
        "parameters": [ref("parameters", "filter")],
        "responses": {
            "200": {
                "description": "The number of matching rows, as text.",
                "content": {"text/plain": {"schema": {"type": "integer"}}},
            },
            "400": ref("responses", "BadRequest"),
        },
        "security": [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": ["read"]}],
    }


def delta_operation(tag: str, operation_id: str, title: str, list_ref: str) -> dict[str, object]:
    return {
        "tags": [tag],
        "summary": f"Changes to {title}",
        "description": (
            "Without `$deltatoken`: every row, paged like a list, then `@odata.deltaLink`. "
            "Following that link later returns what was created, changed or deleted since "
            '(deleted rows as `{"@removed": {"reason": "deleted"}, <key fields>}`) and a new '
            "`@odata.deltaLink`; correct when transactions commit out of order."
        ),
        "operationId": operation_id,
        "parameters": [
            ref("parameters", "deltatoken"),
            ref("parameters", "select"),
            ref("parameters", "skiptoken"),
            ref("parameters", "PreferList"),
        ],
        "responses": {
            "200": {
                "description": "Rows or changes.",
                "content": {"application/json": {"schema": {"$ref": list_ref}}},
            },
            "400": ref("responses", "BadRequest"),
        },
        "security": [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": ["read"]}],
    }
