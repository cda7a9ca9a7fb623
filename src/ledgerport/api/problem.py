"""The one renderer of errors: RFC 9457 ``application/problem+json``."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ledgerport.codec import encode
from ledgerport.errors import (
    PROBLEM_JSON,
    InternalError,
    LedgerportError,
    MethodNotAllowed,
    NotFound,
)

__all__ = ["PROBLEM_JSON", "handle_error", "handle_http_exception", "handle_unexpected", "problem"]

log = logging.getLogger("ledgerport")


def problem(error: LedgerportError, instance: str | None = None) -> Response:
    return Response(encode(error.document(instance)), error.status, error.headers, PROBLEM_JSON)


async def handle_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LedgerportError)
    return problem(exc, request.url.path)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no route) as problem+json too."""
    assert isinstance(exc, HTTPException)
    error: LedgerportError
    if exc.status_code == 404:
        error = NotFound(f"There is nothing at {request.url.path}.")
    elif exc.status_code == 405:
        error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}.")
        error.headers.update(exc.headers or {})
    else:
        error = LedgerportError(str(exc.detail))
        error.status, error.title = exc.status_code, "HTTP error"
    return problem(error, request.url.path)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(InternalError("Something went wrong on the server; it has been logged."))
