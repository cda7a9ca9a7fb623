"""The one Starlette adapter of the OAuth 2.0 server (``auth/oauth_server.py``).

``POST /api/oauth/token`` (RFC 6749), ``GET|POST /api/oauth/authorize`` (login and consent
pages), ``POST /api/oauth/revoke`` (RFC 7009), ``POST /api/oauth/introspect`` (RFC 7662) and
``GET /.well-known/oauth-authorization-server`` (RFC 8414). Authlib's synchronous core runs
in a worker thread; its errors are RFC 6749 §5.2 JSON, as OAuth clients expect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ledgerport.api.authn import client_address, services_of
from ledgerport.auth.csrf import COOKIE, csrf_field, csrf_ok, new_cookie, read_ticket, sign_ticket
from ledgerport.auth.oauth_models import PUBLIC_CLIENT_ID, OAuthClient, current_origin
from ledgerport.auth.oauth_server import (
    Bridge,
    LedgerportOAuthServer,
    OAuthAnswer,
    OAuthCall,
    authorization_response,
    granted_scopes,
)
from ledgerport.auth.oauth_store import LoginRefused, OAuthStore
from ledgerport.auth.pages import PAGE_HEADERS, consent_page, error_page, login_page
from ledgerport.codec import encode
from ledgerport.config import ALL_SCOPES
from ledgerport.services import Services

__all__ = ["oauth_routes"]

T = TypeVar("T")
_FORM = "application/x-www-form-urlencoded"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _server(request: Request) -> LedgerportOAuthServer:
    state = request.app.state
    server = getattr(state, "oauth_server", None)
    if server is None:
        services = services_of(request)
        store = OAuthStore(
            database=services.database,
            verifier=services.verifier,
            settings=lambda: services.settings,
            guard=lambda: services.login_guard,
            clock=services.clock,
        )
        server = LedgerportOAuthServer(store)
        state.oauth_server = server
    assert isinstance(server, LedgerportOAuthServer)
    return server


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


class _BadForm(Exception):
    pass


async def _form(request: Request, services: Services) -> dict[str, str]:
    """The form body; RFC 6749 §3.2: parameters sent without a value, or twice, are refused."""
    if request.method != "POST":
        return {}
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != _FORM:
        raise _BadForm(f"Send the parameters as {_FORM}.")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > 65536:
            raise _BadForm("The request body is too large.")
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise _BadForm("The form body is not valid UTF-8 form encoding.") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise _BadForm(f"The parameter {name!r} was sent twice.")
        form[name] = value
    return form


def _call(request: Request, form: dict[str, str], args: dict[str, str]) -> OAuthCall:
    # Authlib refuses http:// URIs; plain HTTP is the operator's explicit choice
    # (--insecure-http or a TLS-terminating proxy), so the URI it checks says https.
    uri = f"https://{request.url.netloc}{request.url.path}"
    return OAuthCall(
        request.method,
        uri,
        request.headers,  # type: ignore[arg-type]
        args,
        form,
        bridge=Bridge(asyncio.get_running_loop()),
        address=client_address(request),
    )


async def _in_thread(request: Request, work: Callable[[], T]) -> T:
    """Run Authlib's synchronous core off the event loop, with this request's origin."""
    token = current_origin.set(_origin(request))
    try:
        return await asyncio.to_thread(work)
    finally:
        current_origin.reset(token)


def _json_answer(answer: OAuthAnswer) -> Response:
    headers = {**_NO_STORE, **dict(answer.headers)}
    headers.pop("Content-Type", None)
    body = answer.body if isinstance(answer.body, str | bytes) else encode(answer.body)
    return Response(body, answer.status, headers, "application/json")


def _oauth_error(error: OAuth2Error) -> Response:
    status, body, headers = error()
    return _json_answer(OAuthAnswer(status, body, tuple(headers)))


async def token(request: Request) -> Response:
    """RFC 6749 §3.2; a password grant without any client uses the built-in public client."""
    services = services_of(request)
    try:
        form = await _form(request, services)
    except _BadForm as exc:
        return _oauth_error(InvalidRequestError(str(exc)))
    no_client = "client_id" not in form and "authorization" not in request.headers
    if form.get("grant_type") == "password" and no_client:
        form["client_id"] = PUBLIC_CLIENT_ID
    server = _server(request)
    call = _call(request, form, {})
    answer: OAuthAnswer = await _in_thread(request, lambda: server.create_token_response(call))
    return _json_answer(answer)


async def revoke(request: Request) -> Response:
    """RFC 7009 §2: 200 whether or not the token was known."""
    services = services_of(request)
    try:
        form = await _form(request, services)
    except _BadForm as exc:
        return _oauth_error(InvalidRequestError(str(exc)))
    if "client_id" not in form and "authorization" not in request.headers:
        form["client_id"] = PUBLIC_CLIENT_ID
    server = _server(request)
    call = _call(request, form, {})
    answer: OAuthAnswer = await _in_thread(
        request, lambda: server.create_endpoint_response("revocation", call)
    )
    services.bearer.forget()  # this process at once; others within the cache interval
    return _json_answer(answer)


async def introspect(request: Request) -> Response:
    """RFC 7662 §2, for confidential clients."""
    services = services_of(request)
    try:
        form = await _form(request, services)
    except _BadForm as exc:
        return _oauth_error(InvalidRequestError(str(exc)))
    server = _server(request)
    call = _call(request, form, {})
    answer: OAuthAnswer = await _in_thread(
        request, lambda: server.create_endpoint_response("introspection", call)
    )
    return _json_answer(answer)


async def metadata(request: Request) -> Response:
    """RFC 8414 §3.2."""
    origin = _origin(request)
    document = AuthorizationServerMetadata(
        {
            "issuer": origin,
            "authorization_endpoint": f"{origin}/api/oauth/authorize",
            "token_endpoint": f"{origin}/api/oauth/token",
            "revocation_endpoint": f"{origin}/api/oauth/revoke",
            "introspection_endpoint": f"{origin}/api/oauth/introspect",
            "scopes_supported": list(ALL_SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": [
                "authorization_code",
                "password",
                "client_credentials",
                "refresh_token",
            ],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "revocation_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "introspection_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
            "service_documentation": f"{origin}/swagger",
        }
    )
    document.validate()
    return Response(
        encode(dict(document)), 200, {"Cache-Control": "max-age=300"}, "application/json"
    )


def _html(body: str, status: int = 200, cookie: str | None = None, *, secure: bool) -> Response:
    response = HTMLResponse(body, status, PAGE_HEADERS)
    if cookie is not None:
        response.set_cookie(
            COOKIE, cookie, httponly=True, secure=secure, samesite="lax", path="/api/oauth"
        )
    return response


def _redirect(answer: OAuthAnswer) -> Response:
    headers = {**dict(answer.headers), **_NO_STORE}
    return Response(b"", answer.status, headers)


async def authorize(request: Request) -> Response:
    """RFC 6749 §4.1.1 to 4.1.2: validate the request, show the login page, then the consent
    page listing the scopes, then redirect to the client with ``code`` and ``state``."""
    services = services_of(request)
    secure = request.url.scheme == "https"
    args: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in args:
            return _html(error_page("Bad request", f"{name!r} was sent twice."), 400, secure=secure)
        args[name] = value
    try:
        form = await _form(request, services)
    except _BadForm as exc:
        return _html(error_page("Bad request", str(exc)), 400, secure=secure)
    cookie = request.cookies.get(COOKIE)
    fresh: str | None = None
    if request.method == "POST":
        if not csrf_ok(services.secret_key, cookie, form.get("csrf")):
            page = error_page(
                "Please start again",
                "This form expired or did not come from this site. Go back to the application "
                "and sign in again.",
            )
            return _html(page, 403, secure=secure)
    elif not cookie:
        cookie = fresh = new_cookie()
    assert cookie is not None
    server = _server(request)
    call = _call(request, {}, args)

    def validate() -> Any:
        server.create_oauth2_request(call)
        try:
            grant = server.get_consent_grant(call)
        except OAuth2Error as error:
            return error
        client: OAuthClient = grant.client
        if client.public and not args.get("code_challenge"):
            return InvalidRequestError(
                "This client must use PKCE: send code_challenge with code_challenge_method=S256.",
                redirect_uri=grant.redirect_uri,
                state=args.get("state"),
            )
        return grant

    checked = await _in_thread(request, validate)
    if isinstance(checked, OAuth2Error):
        if checked.redirect_uri:
            status, body, headers = checked()
            return _redirect(OAuthAnswer(status, body, tuple(headers)))
        page = error_page("This sign-in link does not work", checked.get_error_description())
        return _html(page, 400, fresh, secure=secure)
    grant = checked
    client = grant.client
    action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    csrf = csrf_field(services.secret_key, cookie)
    store = server.store
    step = form.get("step")
    if step == "login":
        try:
            user = await store.login(
                form.get("username", ""), form.get("password", ""), client_address(request)
            )
        except LoginRefused as exc:
            status = 429 if exc.locked_for else 401
            return _html(login_page(action, csrf, client.name, str(exc)), status, secure=secure)
        scopes = granted_scopes(args.get("scope"), client, user)
        ticket = sign_ticket(services.secret_key, cookie, client.client_id, user.username)
        page = consent_page(action, csrf, ticket, client.name, user.username, scopes)
        return _html(page, secure=secure)
    if step == "consent":
        username = read_ticket(
            services.secret_key, cookie, client.client_id, form.get("ticket", "")
        )
        consenting = await store.user(username) if username else None
        if consenting is None:
            page = login_page(action, csrf, client.name, "Your sign-in expired; sign in again.")
            return _html(page, 401, secure=secure)
        allowed = form.get("decision") == "allow"
        scopes = granted_scopes(args.get("scope"), client, consenting)
        call.scope = " ".join(scopes)
        answer = await _in_thread(
            request,
            lambda: authorization_response(
                server, call, grant, consenting if allowed and scopes else None
            ),
        )
        return _redirect(answer)
    return _html(login_page(action, csrf, client.name), 200, fresh, secure=secure)


def oauth_routes() -> list[BaseRoute]:
    return [
        Route("/api/oauth/token", token, methods=["POST"]),
        Route("/api/oauth/authorize", authorize, methods=["GET", "POST"]),
        Route("/api/oauth/revoke", revoke, methods=["POST"]),
        Route("/api/oauth/introspect", introspect, methods=["POST"]),
        Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
    ]
