"""``POST /api/$batch``: parse, then hand every request to the pipeline via ``run_batch``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.api.authn import principal_for, services_of
from ledgerport.api.resources import base_url_of, read_body, response_of
from ledgerport.batch import batch_outcome, run_batch, run_batch_once
from ledgerport.idempotency import check_key, fingerprint
from ledgerport.request.batch import parse_batch

__all__ = ["batch"]


async def batch(request: Request) -> Response:
    services = services_of(request)
    principal = await principal_for(request)
    server = services.settings.server
    raw = await read_body(request, server.max_body_bytes)
    parsed = parse_batch(
        request.headers.get("content-type"),
        raw,
        max_requests=server.max_batch_requests,
        prefer=request.headers.get("prefer"),
    )
    base_url = base_url_of(request)
    key = check_key(request.headers.get("idempotency-key"))
    if key is None:
        return response_of(batch_outcome(await run_batch(parsed, principal, services, base_url)))
    print_ = fingerprint("POST", request.url.path, request.url.query, raw)
    return response_of(
        await run_batch_once(parsed, principal, services, base_url, key=key, fingerprint=print_)
    )
