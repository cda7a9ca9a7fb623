"""``/api/{companyNo|sys|catalog}/{resource}[/{key...}]``: every data resource, one endpoint."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.api.authn import principal_for, services_of
from ledgerport.errors import BodyTooLarge
from ledgerport.pipeline import run
from ledgerport.request.intent import Method, ResourceRequest
from ledgerport.request.parse import (
    parse_body,
    parse_etags,
    parse_method,
    parse_options,
    parse_prefer,
    parse_target,
)

__all__ = ["data_resource", "read_body"]

_WITH_BODY = frozenset({Method.POST, Method.PUT, Method.PATCH})


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
    target = parse_target(request.scope.get("raw_path", b"").decode("latin-1").split("?")[0])
    body = None
    if method in _WITH_BODY:
        raw = await read_body(request, services.settings.server.max_body_bytes)
        body = parse_body(request.headers.get("content-type"), raw)
    intent = ResourceRequest(
        method=method,
        target=target,
        options=parse_options(
            request.query_params.multi_items(),
            max_filter_length=services.settings.server.max_filter_length,
        ),
        body=body,
        if_match=parse_etags(request.headers.get("if-match"), "If-Match"),
        if_none_match=parse_etags(request.headers.get("if-none-match"), "If-None-Match"),
        prefer=parse_prefer(request.headers.get("prefer")),
        base_url=f"{request.url.scheme}://{request.url.netloc}",
    )
    outcome = await run(intent, principal, services)
    return Response(outcome.body, outcome.status, dict(outcome.headers))
