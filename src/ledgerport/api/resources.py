"""``/api/{companyNo|sys|catalog}/{resource}[/{key...}]``: every data resource, one endpoint."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.api.authn import principal_for, services_of
from ledgerport.auth.policy import authorize
from ledgerport.errors import BodyTooLarge
from ledgerport.idempotency import check_key, fingerprint, idempotent
from ledgerport.pipeline import Recorder, run
from ledgerport.request.parse import (
    BODY_METHODS,
    parse_body,
    parse_method,
    parse_target,
    resource_request,
)
from ledgerport.response import Outcome
from ledgerport.store.idempotency import Claim

__all__ = ["base_url_of", "data_resource", "read_body", "response_of"]


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"The body is larger than the limit of {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"The body is larger than the limit of {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def data_resource(request: Request) -> Response:
    services = services_of(request)
    principal = await principal_for(request)
    method = parse_method(request.method)
    path = request.scope.get("raw_path", b"").decode("latin-1").split("?")[0]
    authorize(principal, parse_target(path), method)  # before the body: 403 wins over 400
    body = None
    raw = b""
    if method in BODY_METHODS:
        raw = await read_body(request, services.settings.server.max_body_bytes)
        if raw.strip() or "/actions/" not in path:
            # Actions take no body: an empty one is fine, a sent one must be JSON.
            body = parse_body(request.headers.get("content-type"), raw)
    intent = resource_request(
        method,
        path,
        request.query_params.multi_items(),
        request.headers,
        body,
        base_url_of(request),
        max_filter_length=services.settings.server.max_filter_length,
    )
    key = check_key(request.headers.get("idempotency-key"))
    if key is None or method not in BODY_METHODS:
        return response_of(await run(intent, principal, services))

    async def runner(record: Recorder, _claim: Claim) -> Outcome:
        return await run(intent, principal, services, record=record)

    print_ = fingerprint(request.method, request.url.path, request.url.query, raw)
    return response_of(await idempotent(services, principal, key, print_, runner))


def base_url_of(request: Request) -> str:
    """``scheme://host[:port]`` as the client addressed us (what ``request.url`` gives,
    without parsing the whole URL)."""
    scope = request.scope
    scheme = scope.get("scheme", "http")
    host = request.headers.get("host")
    if not host:  # HTTP/1.0: the address we listen on
        server_host, port = scope.get("server") or ("localhost", None)
        default = port is None or port == {"http": 80, "https": 443}.get(scheme)
        host = server_host if default else f"{server_host}:{port}"
    return f"{scheme}://{host}"


def response_of(outcome: Outcome) -> Response:
    return Response(outcome.body, outcome.status, dict(outcome.headers))
