"""The OpenAPI description of what the auth issue adds: the OAuth 2.0 endpoints, API users,
OAuth clients and the audit log."""

from __future__ import annotations

from typing import Any

from ledgerport.api.openapi_schemas import ERROR_RESPONSES, JSONSchema, company_parameter, ref

__all__ = ["AUTH_TAG", "auth_paths", "auth_schemas"]

AUTH_TAG = {"name": "auth", "description": "OAuth 2.0, API users, OAuth clients and audit log."}
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): ref("responses", ERROR_RESPONSES[s][0]) for s in statuses}


def _secured(scope: str) -> list[dict[str, list[str]]]:
    return [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": [scope]}]


_OAUTH_ERROR = {
    "description": "RFC 6749 §5.2 error (`invalid_request`, `invalid_client`, `invalid_grant`, "
    "`unauthorized_client`, `unsupported_grant_type`, `invalid_scope`).",
    "content": {_JSON: {"schema": ref("schemas", "OAuthError")}},
}


def auth_schemas() -> dict[str, JSONSchema]:
    string, boolean = {"type": "string"}, {"type": "boolean"}
    strings = {"type": "array", "items": string}
    company = {
        "type": "object",
        "required": ["companyNo"],
        "properties": {
            "companyNo": {"type": "integer"},
            "numberSeries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "from", "to"],
                    "properties": {
                        "field": string,
                        "from": {"type": "integer"},
                        "to": {"type": "integer"},
                    },
                },
            },
        },
    }
    user_properties: dict[str, object] = {
        "username": string,
        "contextUser": {"type": ["string", "null"]},
        "allowBasic": boolean,
        "allowSys": boolean,
        "allowCatalog": boolean,
        "scopes": strings,
        "disabled": boolean,
        "companies": {"type": "array", "items": company},
    }
    return {
        "OAuthToken": {
            "type": "object",
            "required": ["access_token", "token_type"],
            "properties": {
                "access_token": string,
                "token_type": {"const": "bearer"},
                "expires_in": {"type": "integer", "description": "Absent: valid until revoked."},
                "refresh_token": string,
                "scope": string,
            },
        },
        "OAuthError": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": string, "error_description": string},
        },
        "ApiUser": {
            "type": "object",
            "description": "An API user; never shows a password hash.",
            "properties": {**user_properties, "source": {"enum": ["config", "database"]}},
        },
        "ApiUserWrite": {
            "type": "object",
            "additionalProperties": False,
            "properties": {**user_properties, "password": {"type": "string", "minLength": 8}},
        },
        "OAuthClient": {
            "type": "object",
            "properties": {
                "clientId": string,
                "clientSecret": {
                    "type": "string",
                    "description": "Only in the answer to the POST that registers the client.",
                },
                "name": string,
                "public": boolean,
                "owner": string,
                "redirectUris": strings,
                "grantTypes": strings,
                "scopes": strings,
            },
        },
        "AuditEntry": {
            "type": "object",
            "properties": {
                "changeNo": {"type": "integer"},
                "changedDateTime": {"type": "string", "format": "date-time"},
                "resource": string,
                "operation": string,
                "key": {"type": "object"},
                "changes": {"type": ["object", "null"]},
                "user": string,
                "contextUser": {"type": ["string", "null"]},
            },
        },
    }


def _form_body(properties: dict[str, object], required: list[str]) -> dict[str, object]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {_FORM: {"schema": schema}}}


def _json_ok(schema: str, description: str, *, many: bool = False) -> dict[str, Any]:
    body: dict[str, object] = ref("schemas", schema)
    if many:
        body = {"type": "object", "properties": {"value": {"type": "array", "items": body}}}
    return {"description": description, "content": {_JSON: {"schema": body}}}


def _oauth_paths() -> dict[str, object]:
    string = {"type": "string"}
    token_form = {
        "grant_type": {
            "enum": ["password", "authorization_code", "client_credentials", "refresh_token"]
        },
        "username": string,
        "password": string,
        "code": string,
        "redirect_uri": string,
        "code_verifier": string,
        "refresh_token": string,
        "client_id": string,
        "client_secret": string,
        "scope": string,
    }
    token_op = {
        "tags": ["auth"],
        "summary": "Get an access token (RFC 6749 §3.2)",
        "description": "A `password` grant may be sent without any client, as RedHorn's "
        "example does. `authorization_code` needs the PKCE `code_verifier` for public clients.",
        "operationId": "oauthToken",
        "security": [],
        "requestBody": _form_body(token_form, ["grant_type"]),
        "responses": {
            "200": _json_ok("OAuthToken", "The token."),
            "400": _OAUTH_ERROR,
            "401": _OAUTH_ERROR,
        },
    }
    page = {"description": "An HTML page.", "content": {"text/html": {"schema": string}}}
    query = [
        {
            "name": n,
            "in": "query",
            "required": n in ("response_type", "client_id"),
            "schema": string,
        }
        for n in (
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
        )
    ]
    authorize = {
        "tags": ["auth"],
        "summary": "Sign in and consent (RFC 6749 §4.1.1), then a redirect with code and state",
        "operationId": "oauthAuthorize",
        "security": [],
        "parameters": query,
        "responses": {
            "200": page,
            "302": {"description": "Back to the redirect URI."},
            "400": page,
        },
    }
    form_token = _form_body({"token": string, "token_type_hint": string}, ["token"])
    return {
        "/api/oauth/token": {"post": token_op},
        "/api/oauth/authorize": {
            "get": authorize,
            "post": {
                **authorize,
                "operationId": "oauthAuthorizeForm",
                "summary": "The login and consent forms (CSRF-protected)",
            },
        },
        "/api/oauth/revoke": {
            "post": {
                "tags": ["auth"],
                "summary": "Revoke a token (RFC 7009)",
                "operationId": "oauthRevoke",
                "security": [],
                "requestBody": form_token,
                "responses": {
                    "200": {"description": "Revoked (or unknown)."},
                    "400": _OAUTH_ERROR,
                    "401": _OAUTH_ERROR,
                },
            }
        },
        "/api/oauth/introspect": {
            "post": {
                "tags": ["auth"],
                "summary": "Introspect a token (RFC 7662)",
                "operationId": "oauthIntrospect",
                "security": [],
                "requestBody": form_token,
                "responses": {
                    "200": {
                        "description": "`active` and the token's details.",
                        "content": {_JSON: {"schema": {"type": "object"}}},
                    },
                    "401": _OAUTH_ERROR,
                },
            }
        },
        "/.well-known/oauth-authorization-server": {
            "get": {
                "tags": ["auth"],
                "summary": "Authorization server metadata (RFC 8414)",
                "operationId": "oauthMetadata",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The metadata.",
                        "content": {_JSON: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def _admin_paths() -> dict[str, object]:
    name = {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}
    client = {"name": "clientId", "in": "path", "required": True, "schema": {"type": "string"}}
    admin = _secured("admin")
    user_body = {"required": True, "content": {_JSON: {"schema": ref("schemas", "ApiUserWrite")}}}
    client_body = {"required": True, "content": {_JSON: {"schema": ref("schemas", "OAuthClient")}}}
    return {
        "/api/sys/apiusers": {
            "get": {
                "tags": ["auth"],
                "summary": "List API users",
                "operationId": "sys_listApiUsers",
                "security": admin,
                "responses": {
                    "200": _json_ok("ApiUser", "The users.", many=True),
                    **_errors(401, 403, 429),
                },
            },
            "post": {
                "tags": ["auth"],
                "summary": "Add an API user",
                "operationId": "sys_createApiUser",
                "security": admin,
                "requestBody": user_body,
                "responses": {
                    "201": _json_ok("ApiUser", "Added."),
                    **_errors(400, 401, 403, 409, 429),
                },
            },
        },
        "/api/sys/apiusers/{username}": {
            "parameters": [name],
            "get": {
                "tags": ["auth"],
                "summary": "Get an API user",
                "operationId": "sys_getApiUser",
                "security": admin,
                "responses": {
                    "200": _json_ok("ApiUser", "The user."),
                    **_errors(401, 403, 404, 429),
                },
            },
            "patch": {
                "tags": ["auth"],
                "summary": "Change (or disable) an API user",
                "operationId": "sys_updateApiUser",
                "security": admin,
                "requestBody": user_body,
                "responses": {
                    "200": _json_ok("ApiUser", "Changed."),
                    **_errors(400, 401, 403, 404, 409, 429),
                },
            },
            "delete": {
                "tags": ["auth"],
                "summary": "Remove an API user",
                "operationId": "sys_deleteApiUser",
                "security": admin,
                "responses": {"204": {"description": "Removed."}, **_errors(401, 403, 404, 429)},
            },
        },
        "/api/sys/oauthclients": {
            "get": {
                "tags": ["auth"],
                "summary": "List OAuth clients",
                "operationId": "sys_listOAuthClients",
                "security": admin,
                "responses": {
                    "200": _json_ok("OAuthClient", "The clients.", many=True),
                    **_errors(401, 403, 429),
                },
            },
            "post": {
                "tags": ["auth"],
                "summary": "Register an OAuth client (secret shown once)",
                "operationId": "sys_createOAuthClient",
                "security": admin,
                "requestBody": client_body,
                "responses": {
                    "201": _json_ok("OAuthClient", "Registered."),
                    **_errors(400, 401, 403, 409, 429),
                },
            },
        },
        "/api/sys/oauthclients/{clientId}": {
            "parameters": [client],
            "get": {
                "tags": ["auth"],
                "summary": "Get an OAuth client",
                "operationId": "sys_getOAuthClient",
                "security": admin,
                "responses": {
                    "200": _json_ok("OAuthClient", "The client."),
                    **_errors(401, 403, 404, 429),
                },
            },
            "delete": {
                "tags": ["auth"],
                "summary": "Remove a client and revoke its tokens",
                "operationId": "sys_deleteOAuthClient",
                "security": admin,
                "responses": {"204": {"description": "Removed."}, **_errors(401, 403, 404, 429)},
            },
        },
    }


def _audit_paths() -> dict[str, object]:
    read = _secured("read")
    top = {"name": "$top", "in": "query", "schema": {"type": "integer", "minimum": 0}}
    token = {
        "name": "$skiptoken",
        "in": "query",
        "schema": {"type": "integer"},
        "description": "From `@odata.nextLink`.",
    }
    change = {"name": "changeNo", "in": "path", "required": True, "schema": {"type": "integer"}}
    paths: dict[str, Any] = {
        "/api/{companyNo}/auditlog": {
            "parameters": [company_parameter()],
            "get": {
                "tags": ["auth"],
                "summary": "The company's audit log (read-only)",
                "operationId": "listAuditLog",
                "security": read,
                "parameters": [top, token],
                "responses": {
                    "200": _json_ok("AuditEntry", "Entries in change order.", many=True),
                    **_errors(400, 401, 403, 429),
                },
            },
        },
        "/api/{companyNo}/auditlog/{changeNo}": {
            "parameters": [company_parameter(), change],
            "get": {
                "tags": ["auth"],
                "summary": "One audit entry",
                "operationId": "getAuditLogEntry",
                "security": read,
                "responses": {
                    "200": _json_ok("AuditEntry", "The entry."),
                    **_errors(401, 403, 404, 429),
                },
            },
        },
    }
    return paths


def auth_paths() -> dict[str, object]:
    return {**_oauth_paths(), **_admin_paths(), **_audit_paths()}
