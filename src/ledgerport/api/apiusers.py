"""``/api/sys/apiusers``: API users in the database, managed with the admin scope.

Users from the settings file are listed too (``source: config``) but changed only there.
No answer ever carries a password hash.
"""

from __future__ import annotations

import asyncio

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from ledgerport.api.authn import principal_for, services_of
from ledgerport.api.resources import read_body
from ledgerport.auth.passwords import hash_password
from ledgerport.auth.policy import authorize
from ledgerport.auth.principal import CompanyGrant, NumberInterval, Principal
from ledgerport.auth.users import UserRecord, find_user
from ledgerport.auth.userstore import (
    UserChange,
    add_user,
    change_user,
    list_users,
    remove_user,
    shown,
)
from ledgerport.codec import encode
from ledgerport.config import DEFAULT_SCOPES
from ledgerport.errors import FieldError, NotFound, ValidationFailed
from ledgerport.model import Scope
from ledgerport.request.intent import Method, Target
from ledgerport.request.parse import parse_body, parse_method

__all__ = ["apiuser_item", "apiusers_collection"]


class _Interval(msgspec.Struct, forbid_unknown_fields=True):
    field: str
    from_: int = msgspec.field(name="from")
    to: int


class _Company(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    company_no: int
    number_series: list[_Interval] = []


class _UserBody(msgspec.Struct, forbid_unknown_fields=True, rename="camel", omit_defaults=True):
    username: str | None = None
    password: str | None = None
    context_user: str | None = None
    allow_basic: bool | None = None
    allow_sys: bool | None = None
    allow_catalog: bool | None = None
    scopes: list[str] | None = None
    disabled: bool | None = None
    companies: list[_Company] | None = None


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(encode(body), status, headers, "application/json")


async def _admin(request: Request, method: Method) -> Principal:
    principal = await principal_for(request)
    authorize(principal, Target(Scope.SYS, None, "apiusers"), method)
    return principal


async def _body(request: Request) -> _UserBody:
    services = services_of(request)
    raw = await read_body(request, services.settings.server.max_body_bytes)
    data = parse_body(request.headers.get("content-type"), raw)
    try:
        body = msgspec.convert(data, _UserBody)
    except msgspec.ValidationError as exc:
        text, _, where = str(exc).rpartition(" - at `")
        field = where.rstrip("`").removeprefix("$").lstrip(".") or "body"
        raise ValidationFailed(
            f"The user is not valid: {text or exc}.",
            errors=[FieldError(field, text or str(exc))],
        ) from None
    if body.password is not None and len(body.password) < 8:
        raise ValidationFailed(
            "The password is too short.",
            errors=[FieldError("password", "use at least 8 characters")],
        )
    return body


def _grants(companies: list[_Company]) -> tuple[CompanyGrant, ...]:
    return tuple(
        CompanyGrant(
            c.company_no, tuple(NumberInterval(i.field, i.from_, i.to) for i in c.number_series)
        )
        for c in companies
    )


async def apiusers_collection(request: Request) -> Response:
    """GET: every API user; POST: a new database user (``password`` in the body)."""
    method = parse_method(request.method)
    await _admin(request, method)
    services = services_of(request)
    configured = services.settings.users
    if method is Method.GET:
        async with services.database.read() as conn:
            users = await list_users(conn, configured)
        return _json({"value": [shown(u, source) for u, source in users]})
    if method is not Method.POST:
        raise ValidationFailed(f"{method} is not allowed on /api/sys/apiusers.")
    body = await _body(request)
    missing = [n for n in ("username", "password") if getattr(body, n) is None]
    if missing:
        raise ValidationFailed(
            "A new user needs a username and a password.",
            errors=[FieldError(n, "required") for n in missing],
        )
    assert body.username is not None
    assert body.password is not None
    record = UserRecord(
        username=body.username,
        password_hash=await asyncio.to_thread(hash_password, body.password),
        context_user=body.context_user,
        allow_basic=True if body.allow_basic is None else body.allow_basic,
        allow_sys=bool(body.allow_sys),
        allow_catalog=bool(body.allow_catalog),
        scopes=tuple(body.scopes) if body.scopes is not None else DEFAULT_SCOPES,
        companies=_grants(body.companies or []),
        disabled=bool(body.disabled),
    )
    async with services.database.write() as conn:
        await add_user(conn, record, configured, services.clock())
    location = f"{request.url.scheme}://{request.url.netloc}/api/sys/apiusers/{record.username}"
    return _json(shown(record, "database"), 201, {"Location": location})


async def apiuser_item(request: Request) -> Response:
    """GET, PATCH (any field, ``password`` included) or DELETE one API user."""
    method = parse_method(request.method)
    await _admin(request, method)
    services = services_of(request)
    username = request.path_params["username"]
    configured = services.settings.users
    if method is Method.PATCH:
        body = await _body(request)
        change = UserChange(
            password_hash=(
                await asyncio.to_thread(hash_password, body.password) if body.password else None
            ),
            context_user=body.context_user,
            allow_basic=body.allow_basic,
            allow_sys=body.allow_sys,
            allow_catalog=body.allow_catalog,
            scopes=tuple(body.scopes) if body.scopes is not None else None,
            disabled=body.disabled,
            companies=_grants(body.companies) if body.companies is not None else None,
        )
        async with services.database.write() as conn:
            await change_user(conn, username, change, configured)
        services.forget_credentials()
    elif method is Method.DELETE:
        async with services.database.write() as conn:
            await remove_user(conn, username)
        services.forget_credentials()
        return Response(status_code=204)
    elif method is not Method.GET:
        raise ValidationFailed(f"{method} is not allowed on an API user.")
    async with services.database.read() as conn:
        user = await find_user(conn, username, configured)
    if user is None:
        raise NotFound(f"There is no API user {username!r}.")
    source = "config" if any(u.username == username for u in configured) else "database"
    return _json(shown(user, source))
