"""OAuth clients in the database: register (secret shown once, stored hashed), list, remove."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.oauth_models import OAuthClient, built_in_clients
from ledgerport.auth.tokens import new_secret, secret_hash
from ledgerport.auth.userstore import check_scopes
from ledgerport.errors import DuplicateKey, FieldError, NotFound, ValidationFailed
from ledgerport.store.auth_tables import oauth_clients, oauth_tokens

__all__ = [
    "GRANT_TYPES",
    "NewClient",
    "add_client",
    "check_redirect_uri",
    "find_client",
    "list_clients",
    "remove_client",
    "shown_client",
]

GRANT_TYPES = ("authorization_code", "client_credentials", "password", "refresh_token")


def check_redirect_uri(uri: str) -> str:
    """https URIs anywhere; plain http only on the loopback (RFC 8252 §7.3); no fragment."""
    parts = urlsplit(uri)
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        raise ValidationFailed(
            f"{uri!r} is not a usable redirect URI.",
            errors=[FieldError("redirectUris", "absolute https:// URI without a fragment")],
        )
    if parts.scheme == "http" and not loopback:
        raise ValidationFailed(
            f"{uri!r}: plain http is allowed only for localhost.",
            errors=[FieldError("redirectUris", "use https, or http://localhost:PORT/...")],
        )
    return uri


class NewClient:
    """What registering a client returns: the stored client and its secret, shown once."""

    def __init__(self, client: OAuthClient, secret: str | None) -> None:
        self.client = client
        self.secret = secret


async def add_client(
    conn: AsyncConnection,
    *,
    name: str,
    owner: str,
    redirect_uris: tuple[str, ...],
    grant_types: tuple[str, ...],
    scopes: tuple[str, ...],
    public: bool,
    now: dt.datetime,
    client_id: str | None = None,
) -> NewClient:
    unknown = [g for g in grant_types if g not in GRANT_TYPES]
    if unknown or not grant_types:
        raise ValidationFailed(
            f"Unknown grant type {unknown[0]!r}." if unknown else "Give at least one grant type.",
            errors=[FieldError("grantTypes", f"use some of {', '.join(GRANT_TYPES)}")],
        )
    if public and "client_credentials" in grant_types:
        raise ValidationFailed(
            "A public client cannot use client_credentials.",
            errors=[FieldError("grantTypes", "client_credentials needs a confidential client")],
        )
    if "authorization_code" in grant_types and not redirect_uris:
        raise ValidationFailed(
            "authorization_code needs at least one redirect URI.",
            errors=[FieldError("redirectUris", "required for authorization_code")],
        )
    uris = tuple(check_redirect_uri(u) for u in redirect_uris)
    client_id = client_id or "lpc_" + secrets.token_urlsafe(12)
    if client_id in built_in_clients() or await find_client(conn, client_id) is not None:
        raise DuplicateKey(f"There is already a client {client_id!r}.")
    secret = None if public else new_secret("lps_")
    client = OAuthClient(
        client_id=client_id,
        name=name,
        secret_hash=None if secret is None else secret_hash(secret),
        redirect_uris=uris,
        grant_types=tuple(dict.fromkeys(grant_types)),
        scopes=check_scopes(scopes),
        owner=owner,
    )
    await conn.execute(
        oauth_clients.insert().values(
            client_id=client.client_id,
            secret_hash=client.secret_hash,
            name=name,
            redirect_uris=" ".join(uris),
            grant_types=" ".join(client.grant_types),
            scopes=" ".join(client.scopes),
            owner=owner,
            created_at=now,
        )
    )
    return NewClient(client, secret)


def _client(row: Row[tuple[object, ...]]) -> OAuthClient:
    m = row._mapping
    return OAuthClient(
        client_id=m["client_id"],
        name=m["name"],
        secret_hash=m["secret_hash"],
        redirect_uris=tuple(str(m["redirect_uris"]).split()),
        grant_types=tuple(str(m["grant_types"]).split()),
        scopes=tuple(str(m["scopes"]).split()),
        owner=m["owner"],
    )


async def find_client(conn: AsyncConnection, client_id: str) -> OAuthClient | None:
    built_in = built_in_clients().get(client_id)
    if built_in is not None:
        return built_in
    row = (
        await conn.execute(select(oauth_clients).where(oauth_clients.c.client_id == client_id))
    ).first()
    return None if row is None else _client(row)


async def list_clients(conn: AsyncConnection) -> list[OAuthClient]:
    rows = await conn.execute(select(oauth_clients).order_by(oauth_clients.c.client_id))
    return [_client(r) for r in rows]


async def remove_client(conn: AsyncConnection, client_id: str) -> None:
    """Remove the client and revoke every token it holds."""
    result = await conn.execute(delete(oauth_clients).where(oauth_clients.c.client_id == client_id))
    if result.rowcount == 0:
        raise NotFound(f"There is no registered client {client_id!r}.")
    await conn.execute(
        update(oauth_tokens).where(oauth_tokens.c.client_id == client_id).values(revoked=True)
    )


def shown_client(client: OAuthClient, secret: str | None = None) -> dict[str, object]:
    """A client as the API and CLI show it; the secret only right after registering."""
    shown: dict[str, object] = {
        "clientId": client.client_id,
        "name": client.name,
        "public": client.public,
        "redirectUris": list(client.redirect_uris),
        "grantTypes": list(client.grant_types),
        "scopes": list(client.scopes),
        "owner": client.owner,
    }
    if secret is not None:
        shown["clientSecret"] = secret
    return shown
