"""Credentials on a request → Principal. Every authenticated endpoint calls ``principal_for``.

Basic (unless the user has ``allow_basic = false``) and Bearer tokens from
``/api/oauth/token``; failed Basic logins are slowed and locked out per (user, address);
every authenticated request counts against its user's (or client's) rate limit.
"""

from __future__ import annotations

from starlette.requests import Request

from ledgerport.auth.basic import parse_basic
from ledgerport.auth.principal import Principal
from ledgerport.auth.tokens import BearerResult, find_token
from ledgerport.auth.users import UserRecord, find_user, principal_of
from ledgerport.errors import Unauthenticated
from ledgerport.services import Services

__all__ = ["client_address", "principal_for", "services_of"]

_CHALLENGE = {"WWW-Authenticate": 'Basic realm="ledgerport", charset="UTF-8"'}


def services_of(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def principal_for(request: Request) -> Principal:
    """Authenticate the request or raise Unauthenticated (401 with a challenge)."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("Send credentials: Basic or a Bearer token.", headers=_CHALLENGE)
    scheme, _, credentials = header.partition(" ")
    services = services_of(request)
    if scheme.lower() == "basic":
        principal = await _basic(services, credentials, client_address(request))
        subject = f"user:{principal.username}"
    elif scheme.lower() == "bearer" and credentials.strip():
        result = await services.bearer.authenticate(
            credentials.strip(), lambda token: resolve_bearer(services, token)
        )
        principal, subject = result.principal, result.subject
    else:
        raise Unauthenticated(f"Unsupported authorization scheme {scheme!r}.", headers=_CHALLENGE)
    await services.limiter.hit(subject)
    return principal


async def _basic(services: Services, credentials: str, address: str) -> Principal:
    username, password = parse_basic(credentials)

    async def lookup(name: str) -> UserRecord | None:
        await services.login_guard.check(name, address)
        async with services.database.read() as conn:
            return await find_user(conn, name, services.settings.users)

    async def failed() -> None:
        await services.login_guard.failed(username, address)

    default_context = services.settings.server.default_context_user
    return await services.basic.authenticate(
        username, password, lookup, lambda user: principal_of(user, default_context), failed
    )


async def resolve_bearer(services: Services, token: str) -> tuple[BearerResult | None, float]:
    """The principal of an access token (scopes: the token's, within the user's today)."""
    now = services.clock()
    async with services.database.read() as conn:
        record = await find_token(conn, token, refresh=False)
        if record is None or not record.access_active(now):
            return None, 5.0
        user = await find_user(conn, record.username, services.settings.users)
    if user is None or user.disabled:
        return None, 5.0
    principal = principal_of(user, services.settings.server.default_context_user)
    scopes = principal.scopes & frozenset(record.scopes)
    principal = Principal(
        username=principal.username,
        scopes=scopes,
        companies=principal.companies,
        context_user=principal.context_user,
        allow_sys=principal.allow_sys,
        allow_catalog=principal.allow_catalog,
    )
    lifetime = (
        (record.expires_at - now).total_seconds() if record.expires_at is not None else 3600.0
    )
    subject = (
        f"client:{record.client_id}"
        if record.grant_type == "client_credentials"
        else f"user:{principal.username}"
    )
    return BearerResult(principal, subject), lifetime
