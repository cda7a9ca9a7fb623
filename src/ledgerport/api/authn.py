"""Credentials on a request → Principal. Every authenticated endpoint calls ``principal_for``."""

from __future__ import annotations

from starlette.requests import Request

from ledgerport.auth.basic import parse_basic
from ledgerport.auth.principal import Principal
from ledgerport.auth.users import UserRecord, find_user, principal_of
from ledgerport.errors import Unauthenticated
from ledgerport.services import Services

__all__ = ["principal_for", "services_of"]

_CHALLENGE = {"WWW-Authenticate": 'Basic realm="ledgerport", charset="UTF-8"'}


def services_of(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


async def principal_for(request: Request) -> Principal:
    """Authenticate the request or raise Unauthenticated (401 with a challenge)."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("Send credentials: Basic or a Bearer token.", headers=_CHALLENGE)
    scheme, _, credentials = header.partition(" ")
    services = services_of(request)
    if scheme.lower() == "basic":
        username, password = parse_basic(credentials)

        async def lookup(name: str) -> UserRecord | None:
            async with services.database.read() as conn:
                return await find_user(conn, name, services.settings.users)

        default_context = services.settings.server.default_context_user
        return await services.basic.authenticate(
            username, password, lookup, lambda user: principal_of(user, default_context)
        )
    raise Unauthenticated(f"Unsupported authorization scheme {scheme!r}.", headers=_CHALLENGE)
