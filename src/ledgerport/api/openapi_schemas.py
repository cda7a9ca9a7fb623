"""The components of the OpenAPI document: schemas, error responses, parameters, headers and
security schemes, derived from the data model and the error tree (no HTTP here).

Each entity gets three schemas:

- ``<Name>``: the entity as the API answers it (``@odata.etag`` and every field in model
  order), server-set fields marked ``readOnly``. PUT and PATCH take it too: read-only fields
  may be sent back unchanged, and Swagger UI leaves them out of its request examples.
- ``<Name>Create``: the body of a POST, the writable fields only, with the fields a create
  must send listed under ``required`` (``Field.required``).
- ``<Name>List``: a page of the list, ``{"value": [...], "@odata.nextLink": ...}``.

Types follow ``plan/values.py``: integers within ±(2^53-1), decimals as exact JSON numbers
(``multipleOf`` 10^-scale), dates ``YYYY-MM-DD``, datetimes ISO 8601 in UTC with ``Z``.
Nullable fields use the JSON Schema 2020-12 form ``type: [X, "null"]`` (OpenAPI 3.1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from ledgerport.errors import FieldError, LedgerportError, ValidationFailed, all_error_classes
from ledgerport.model import Entity, Field, FieldType, Registry, Scope
from ledgerport.plan.values import MAX_INTEGER

__all__ = [
    "ERROR_RESPONSES",
    "ETAG_ANNOTATION",
    "SCOPES",
    "EntityNames",
    "JSONSchema",
    "company_parameter",
    "create_schema",
    "entity_names",
    "entity_schema",
    "error_responses",
    "field_schema",
    "header_refs",
    "headers",
    "key_parameter_schema",
    "list_schema",
    "parameters",
    "plural",
    "problem_schema",
    "ref",
    "security_schemes",
]

JSONSchema = dict[str, object]
ETAG_ANNOTATION = "@odata.etag"

PROBLEM_JSON = "application/problem+json"

_K = TypeVar("_K", bound=Hashable)
_WORD = re.compile(r"[A-Za-z0-9]+")

SCOPES = {
    "read": "Read data.",
    "write": "Create, change and delete data, and run business actions.",
    "webhooks": "Manage webhook subscriptions.",
    "admin": "Administer API users, OAuth clients and custom actions.",
}
"""OAuth2 scopes; a user's ``scopes`` bound what any of its credentials may do."""

ERROR_RESPONSES = {
    400: ("BadRequest", "The request is malformed or does not fit the data model"),
    401: ("Unauthorized", "No valid credentials were sent"),
    403: ("Forbidden", "The credentials do not reach this company, scope or resource"),
    404: ("NotFound", "There is no such resource or entity"),
    409: ("Conflict", "The change conflicts with stored data"),
    412: ("PreconditionFailed", "If-Match does not match the entity's current ETag"),
    413: ("ContentTooLarge", "The body (or batch) is larger than the server accepts"),
    415: ("UnsupportedMediaType", "The body is not JSON in UTF-8"),
    422: (
        "UnprocessableContent",
        "A value refers to an entity that does not exist, or an idempotency key was reused",
    ),
    424: ("FailedDependency", "A batch request this one depends on failed"),
    429: ("TooManyRequests", "Too many requests; wait Retry-After seconds"),
    502: ("BadGateway", "A service called on the client's behalf failed or timed out"),
    503: ("ServiceUnavailable", "The database is busy; retry after Retry-After seconds"),
}
"""Error responses by status: component name and what it means."""


@dataclass(frozen=True)
class EntityNames:
    """How one entity is named in the document; unique within one registry."""

    schema: str
    """Component schema name (``SalesOrder``; ``SalesOrderCreate`` is its POST body)."""
    singular: str
    """Operation stem for one entity (``getSalesOrder``)."""
    plural: str
    """Operation stem for a list (``listSalesOrders``)."""
    prefix: str
    """``""`` for company data, ``sys_`` / ``catalog_`` for company-independent data."""

    def operation_id(self, verb: str, *, many: bool = False) -> str:
        """``listAssociates``, ``getAssociate``, ``sys_createCompany``."""
        return f"{self.prefix}{verb}{self.plural if many else self.singular}"


def entity_names(registry: Registry) -> dict[tuple[Scope, str], EntityNames]:
    """Names of every entity by (scope, resource), from titles; clashes fall back to resources."""
    keys = [(e.scope, e.resource) for e in registry.entities]
    by_key = {(e.scope, e.resource): e for e in registry.entities}
    schemas = _deduped(
        {k: _pascal(by_key[k].title) or _pascal(k[1]) for k in keys},
        lambda k: _pascal(k[0].value) + _pascal(k[1]),
    )
    stems = {k: _stem(by_key[k]) for k in keys}
    ones = Counter((k[0], one) for k, (one, _) in stems.items())
    manys = Counter((k[0], many) for k, (_, many) in stems.items())
    names: dict[tuple[Scope, str], EntityNames] = {}
    for key, (one, many) in stems.items():
        if ones[key[0], one] > 1 or manys[key[0], many] > 1:
            one = many = _pascal(key[1])
        prefix = "" if key[0] is Scope.COMPANY else f"{key[0].value}_"
        names[key] = EntityNames(schemas[key], one, many, prefix)
    return names


def _stem(entity: Entity) -> tuple[str, str]:
    """Singular and plural operation stems; ``Catalog product`` in catalog is ``Product``."""
    words = _WORD.findall(entity.title)
    scoped = entity.scope is not Scope.COMPANY and len(words) > 1
    if scoped and words[0].lower() == entity.scope.value:
        words = words[1:]
    singular = _pascal(" ".join(words)) or _pascal(entity.resource)
    return singular, plural(singular)


def _pascal(text: str) -> str:
    """``Sales order line`` → ``SalesOrderLine``, ``VAT code`` → ``VatCode``; "" if no letter
    comes first."""
    words = _WORD.findall(text)
    joined = "".join(w.capitalize() if w.isupper() else w[:1].upper() + w[1:] for w in words)
    return joined if joined[:1].isalpha() else ""


def plural(word: str) -> str:
    """English plural of a name's last word: ``Company`` → ``Companies``, ``Terms`` stays."""
    if word.endswith("s"):
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _deduped(candidates: Mapping[_K, str], fallback: Callable[[_K], str]) -> dict[_K, str]:
    counts = Counter(candidates.values())
    return {k: v if counts[v] == 1 else fallback(k) for k, v in candidates.items()}


def field_schema(field: Field, entity: Entity, registry: Registry) -> JSONSchema:
    """The JSON Schema of one field's value, with its description and ``readOnly`` flag."""
    schema = _value_schema(field)
    if field.nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*field.choices, None]
    description = _description(field, entity, registry)
    if description:
        schema["description"] = description
    default = _json_default(field.default)
    if default is not None:
        schema["default"] = default
    if field.read_only:
        schema["readOnly"] = True
    return schema


def key_parameter_schema(field: Field) -> JSONSchema:
    """The schema of a key value in a path segment: never null."""
    return _value_schema(field)


def _value_schema(field: Field) -> JSONSchema:
    match field.type:
        case FieldType.STRING:
            schema: JSONSchema = {"type": "string"}
            if field.length is not None:
                schema["maxLength"] = field.length
            if field.choices:
                schema["enum"] = list(field.choices)
            return schema
        case FieldType.INTEGER:
            return {
                "type": "integer",
                "format": "int64",
                "minimum": -MAX_INTEGER,
                "maximum": MAX_INTEGER,
                "examples": [1],  # else Swagger UI's examples show the minimum
            }
        case FieldType.DECIMAL:
            return _decimal_schema(field)
        case FieldType.BOOLEAN:
            return {"type": "boolean"}
        case FieldType.DATE:
            return {"type": "string", "format": "date"}
        case FieldType.DATETIME:
            return {"type": "string", "format": "date-time"}
    raise AssertionError(field.type)


def _decimal_schema(field: Field) -> JSONSchema:
    """An exact JSON number: at most ``scale`` decimals and ``precision - scale`` whole digits."""
    bound = 10 ** (field.precision - field.scale)
    return {
        "type": "number",
        "format": "decimal",
        "multipleOf": float(Decimal(1).scaleb(-field.scale)),
        "exclusiveMinimum": -bound,
        "exclusiveMaximum": bound,
    }


def _description(field: Field, entity: Entity, registry: Registry) -> str:
    parts = [field.description] if field.description else []
    if field.type is FieldType.DATETIME:
        parts.append("ISO 8601 in UTC, e.g. 2024-05-01T12:30:00Z.")
    if field.series and field.name in entity.key:
        parts.append("Assigned by the server (the next free number) when left out.")
    parts.extend(_reference_notes(field, entity, registry))
    return " ".join(parts)


def _reference_notes(field: Field, entity: Entity, registry: Registry) -> list[str]:
    notes = []
    for reference in entity.references:
        if reference.fields == (field.name,):
            target = registry.target(entity, reference)
            place = "{companyNo}" if target.scope is Scope.COMPANY else target.scope.value
            theirs = reference.target_fields[0]
            notes.append(f"Refers to `{theirs}` of `/api/{place}/{target.resource}`.")
    return notes


def _json_default(value: object) -> object:
    """A declared default as JSON, or None when there is none to show."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return value
    return None


def entity_schema(entity: Entity, registry: Registry) -> JSONSchema:
    """The entity as answered by GET, POST, PUT and PATCH (and accepted by PUT and PATCH)."""
    properties: dict[str, object] = {
        ETAG_ANNOTATION: {
            "type": "string",
            "readOnly": True,
            "description": "The entity's version, as in the ETag header.",
        }
    }
    for field in entity.fields:
        properties[field.name] = field_schema(field, entity, registry)
    schema: JSONSchema = {"type": "object", "title": entity.title, "properties": properties}
    if entity.description:
        schema["description"] = entity.description
    return schema


def create_schema(entity: Entity, registry: Registry) -> JSONSchema:
    """The body of a POST: writable fields; the required ones listed; nothing else accepted."""
    writable = [f for f in entity.fields if not f.read_only]
    schema: JSONSchema = {
        "type": "object",
        "title": f"New {entity.title.lower()}",
        "properties": {f.name: field_schema(f, entity, registry) for f in writable},
        "additionalProperties": False,
    }
    required = [f.name for f in entity.fields if f.required]
    if required:
        schema["required"] = required
    return schema


def list_schema(item_ref: str, title: str) -> JSONSchema:
    """A page of a list: ``value`` and, when there is more, ``@odata.nextLink``."""
    return {
        "type": "object",
        "title": title,
        "required": ["value"],
        "properties": {
            "value": {"type": "array", "items": {"$ref": item_ref}},
            "@odata.nextLink": {
                "type": "string",
                "format": "uri",
                "description": "The next page; absent on the last page. Follow it as it is.",
            },
        },
    }


def problem_schema() -> JSONSchema:
    """RFC 9457 problem details, with ledgerport's stable ``code`` and per-field ``errors``."""
    return {
        "type": "object",
        "title": "Problem",
        "description": "RFC 9457 problem details (`application/problem+json`).",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri-reference",
                "description": "Identifies the kind of problem.",
            },
            "title": {"type": "string", "description": "Short summary of the kind of problem."},
            "status": {"type": "integer", "minimum": 100, "maximum": 599},
            "detail": {"type": "string", "description": "What went wrong in this occurrence."},
            "code": {
                "type": "string",
                "pattern": "^LP[0-9]{3}$",
                "description": "Stable error code, grouped by stage: LP1xx request, "
                "LP2xx data model, LP3xx auth, LP4xx storage, LP500 internal.",
            },
            "instance": {"type": "string", "format": "uri-reference"},
            "errors": {
                "type": "array",
                "description": "For validation errors: each field at fault.",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {
                        "field": {"type": "string", "description": "JSON name of the field."},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    }


def ref(kind: str, name: str) -> dict[str, object]:
    """A reference to a component: ``ref("schemas", "Problem")``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def error_responses() -> dict[str, object]:
    """The problem+json responses by component name (``NotFound``), one per error status."""
    return {name: _error_response(status) for status, (name, _) in ERROR_RESPONSES.items()}


def _error_response(status: int) -> dict[str, object]:
    """A problem+json response; the description lists the error codes it can carry."""
    codes = [f"`{cls.code}` {cls.title}" for cls in _leaf_errors(status)]
    description = ERROR_RESPONSES[status][1] + (f": {'; '.join(codes)}." if codes else ".")
    media = {"schema": ref("schemas", "Problem"), "example": _problem_example(status)}
    response: dict[str, object] = {"description": description, "content": {PROBLEM_JSON: media}}
    if status == 401:
        response["headers"] = header_refs("WWW-Authenticate")
    elif status in (429, 503):
        response["headers"] = header_refs("Retry-After")
    return response


def _leaf_errors(status: int) -> list[type[LedgerportError]]:
    """The error classes with their own code that answer ``status``."""
    return [c for c in all_error_classes() if c.status == status and not c.__subclasses__()]


def _problem_example(status: int) -> dict[str, object]:
    """What a client sees for ``status``: a validation error for 400, else the first code."""
    leaves = _leaf_errors(status)
    error = (
        ValidationFailed(
            "1 field of the associate is not valid.",
            errors=[FieldError("name", "is required")],
        )
        if ValidationFailed in leaves
        else leaves[0](f"{leaves[0].title}.")
    )
    example: dict[str, object] = {
        "type": error.type_uri,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "code": error.code,
        "instance": "/api/9999/associates/10001",
    }
    if error.errors:
        example["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return example


def company_parameter() -> dict[str, object]:
    """``{companyNo}`` of a path. Written out, not referenced: Swagger UI 5 does not resolve
    a ``$ref`` among a path item's parameters."""
    return {
        "name": "companyNo",
        "in": "path",
        "required": True,
        "description": "The company the data belongs to.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999, "examples": [9999]},
    }


def parameters() -> dict[str, object]:
    """Shared operation parameters: ``$top``, ``$skip`` and the conditional headers."""

    def header(name: str, description: str) -> dict[str, object]:
        return {
            "name": name,
            "in": "header",
            "description": description,
            "schema": {"type": "string"},
        }

    count = {"type": "integer", "minimum": 0}
    return {
        "top": {
            "name": "$top",
            "in": "query",
            "description": "At most this many entities in all (pages follow until reached).",
            "schema": count,
        },
        "skip": {
            "name": "$skip",
            "in": "query",
            "description": "Leave out this many entities first.",
            "schema": count,
        },
        "If-Match": header(
            "If-Match", "Write only if the entity's ETag is one of these (or `*`); else 412."
        ),
        "If-None-Match": header(
            "If-None-Match", "Answer 304 when the entity's ETag is one of these (or `*`)."
        ),
        "Prefer": {
            "name": "Prefer",
            "in": "header",
            "description": "`return=minimal`: answer 204 without a body (RFC 7240).",
            "schema": {"type": "string"},
        },
        "Idempotency-Key": {
            "name": "Idempotency-Key",
            "in": "header",
            "description": (
                "Run this write at most once: a retry with the same key and request gets the "
                "first answer again (with `Idempotent-Replayed: true`) and changes nothing; the "
                "same key with another request is 422, one still running 409. Keys belong to "
                "the calling user and expire after `idempotency.ttl_seconds`. A request that "
                "failed stores nothing: retry it, fixed, under the same key."
            ),
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        },
    }


def headers() -> dict[str, object]:
    """Response headers by name."""

    def header(description: str, schema: JSONSchema | None = None) -> dict[str, object]:
        return {"description": description, "schema": schema or {"type": "string"}}

    return {
        "ETag": header("The entity's version; send it in If-Match or If-None-Match."),
        "Location": header("URL of the created entity.", {"type": "string", "format": "uri"}),
        "Link": header('RFC 8288 link to the next page: `<url>; rel="next"`.'),
        "Preference-Applied": header("`return=minimal` when honoured."),
        "Idempotent-Replayed": header(
            "`true` when this is the stored answer of an earlier request with the same "
            "Idempotency-Key.",
        ),
        "Retry-After": header("Seconds to wait before retrying.", {"type": "integer"}),
        "WWW-Authenticate": header("The authentication schemes accepted."),
    }


def header_refs(*names: str) -> dict[str, object]:
    """A response's ``headers``: references to the header components named."""
    return {name: ref("headers", name) for name in names}


def security_schemes(server_url: str) -> dict[str, object]:
    """Basic, Bearer and OAuth2 (authorization code with PKCE, and password); the OAuth2 URLs
    are relative unless ``server_url`` (``https://host:port``) is given."""
    token_url = f"{server_url}/api/oauth/token"
    return {
        "basicAuth": {
            "type": "http",
            "scheme": "basic",
            "description": "User name and password of an API user (unless `allow_basic` is off).",
        },
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token from `POST /api/oauth/token`.",
        },
        "oauth2": {
            "type": "oauth2",
            "description": "OAuth 2.0 (RFC 6749); authorization code flows need PKCE (RFC 7636).",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{server_url}/api/oauth/authorize",
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": SCOPES,
                },
                "password": {"tokenUrl": token_url, "refreshUrl": token_url, "scopes": SCOPES},
                "clientCredentials": {"tokenUrl": token_url, "scopes": SCOPES},
            },
        },
    }
