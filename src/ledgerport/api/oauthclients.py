"""``/api/sys/oauthclients``: OAuth clients, managed with the admin scope.

The client secret is in the answer to the POST that registers the client, and never again.
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from ledgerport.api.authn import principal_for, services_of
from ledgerport.api.resources import read_body
from ledgerport.auth.clients import (
    add_client,
    find_client,
    list_clients,
    remove_client,
    shown_client,
)
from ledgerport.auth.policy import authorize
from ledgerport.auth.users import find_user
from ledgerport.codec import encode
from ledgerport.errors import FieldError, NotFound, ValidationFailed
from ledgerport.model import Scope
from ledgerport.request.intent import Target
from ledgerport.request.parse import parse_body, parse_method

__all__ = ["oauthclient_item", "oauthclients_collection"]


class _ClientBody(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    name: str
    owner: str
    grant_types: list[str]
    redirect_uris: list[str] = []
    scopes: list[str] = msgspec.field(default_factory=lambda: ["read", "write"])
    public: bool = False
    client_id: str | None = None


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(encode(body), status, headers, "application/json")


async def _admin(request: Request) -> None:
    principal = await principal_for(request)
    authorize(principal, Target(Scope.SYS, None, "oauthclients"), parse_method(request.method))


async def oauthclients_collection(request: Request) -> Response:
    """GET: the registered clients; POST: register one (its secret shown this once)."""
    await _admin(request)
    services = services_of(request)
    if request.method == "GET":
        async with services.database.read() as conn:
            clients = await list_clients(conn)
        return _json({"value": [shown_client(c) for c in clients]})
    raw = await read_body(request, services.settings.server.max_body_bytes)
    data = parse_body(request.headers.get("content-type"), raw)
    try:
        body = msgspec.convert(data, _ClientBody)
    except msgspec.ValidationError as exc:
        text, _, where = str(exc).rpartition(" - at `")
        field = where.rstrip("`").removeprefix("$").lstrip(".") or "body"
        raise ValidationFailed(
            f"The client is not valid: {text or exc}.", errors=[FieldError(field, text or str(exc))]
        ) from None
    async with services.database.write() as conn:
        if await find_user(conn, body.owner, services.settings.users) is None:
            raise ValidationFailed(
                f"There is no API user {body.owner!r}.",
                errors=[FieldError("owner", "an existing API user")],
            )
        created = await add_client(
            conn,
            name=body.name,
            owner=body.owner,
            redirect_uris=tuple(body.redirect_uris),
            grant_types=tuple(body.grant_types),
            scopes=tuple(body.scopes),
            public=body.public,
            now=services.clock(),
            client_id=body.client_id,
        )
    location = f"{request.url.scheme}://{request.url.netloc}/api/sys/oauthclients/"
    return _json(
        shown_client(created.client, created.secret),
        201,
        {"Location": location + created.client.client_id, "Cache-Control": "no-store"},
    )


async def oauthclient_item(request: Request) -> Response:
    """GET or DELETE one registered client."""
    await _admin(request)
    services = services_of(request)
    client_id = request.path_params["client_id"]
    if request.method == "DELETE":
        async with services.database.write() as conn:
            await remove_client(conn, client_id)
        return Response(status_code=204)
    async with services.database.read() as conn:
        client = await find_client(conn, client_id)
    if client is None or client.owner is None:
        raise NotFound(f"There is no registered client {client_id!r}.")
    return _json(shown_client(client))
