"""The one error tree of ledgerport.

Every failure a client can cause is one of these classes; the API renders them as
RFC 9457 ``application/problem+json`` in exactly one place (``api/problem.py``).
Codes are stable and grouped by the pipeline stage that raises them, as in PostgREST::

    LedgerportError
    ├── RequestError            LP1xx  HTTP → intent (no database involved)
    │   ├── MalformedBody       LP101  body is not valid JSON / not an object
    │   ├── UnsupportedMediaType LP102
    │   ├── BodyTooLarge        LP103
    │   ├── BadPath             LP104  company number, key segments
    │   ├── BadQueryOption      LP105  $top, $skip, unknown options
    │   ├── BadHeader           LP106
    │   ├── BadBatch            LP107  $batch body: points at the request id
    │   ├── BatchTooLarge       LP108  more than max_batch_requests
    │   └── FailedDependency    LP109  424: a batch request this one depends on failed
    ├── PlanError               LP2xx  intent + data model → plan
    │   ├── UnknownResource     LP201
    │   ├── NotFound            LP202
    │   ├── ValidationFailed    LP203  (with ``errors``: one per field)
    │   ├── MethodNotAllowed    LP205
    │   └── UnknownAction       LP206
    ├── AuthError               LP3xx
    │   ├── Unauthenticated     LP301
    │   ├── Forbidden           LP302
    │   ├── CompanyForbidden    LP303
    │   └── RateLimited         LP304
    ├── StoreError              LP4xx  the transaction
    │   ├── DuplicateKey        LP401
    │   ├── MissingReference    LP402
    │   ├── StillReferenced     LP403
    │   ├── PreconditionFailed  LP404
    │   ├── DatabaseBusy        LP405
    │   ├── Conflict            LP406
    │   ├── SeriesExhausted     LP407  a number series interval has no number left
    │   ├── DocumentLocked      LP408  released/approved documents are read-only
    │   ├── ActionRefused       LP409  a business action's checks failed (``errors``)
    │   ├── IdempotencyInProgress LP410 the first request with this key still runs
    │   └── IdempotencyKeyReused  LP411 422: same key, different request
    ├── InternalError           LP500
    └── UpstreamFailed          LP502  a custom action's service failed or timed out
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "PROBLEM_JSON",
    "ActionRefused",
    "AuthError",
    "BadBatch",
    "BadHeader",
    "BadPath",
    "BadQueryOption",
    "BatchTooLarge",
    "BodyTooLarge",
    "CompanyForbidden",
    "Conflict",
    "DatabaseBusy",
    "DocumentLocked",
    "DuplicateKey",
    "FailedDependency",
    "FieldError",
    "Forbidden",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "InternalError",
    "LedgerportError",
    "MalformedBody",
    "MethodNotAllowed",
    "MissingReference",
    "NotFound",
    "PlanError",
    "PreconditionFailed",
    "RateLimited",
    "RequestError",
    "SeriesExhausted",
    "StillReferenced",
    "StoreError",
    "Unauthenticated",
    "UnknownAction",
    "UnknownResource",
    "UnsupportedMediaType",
    "UpstreamFailed",
    "ValidationFailed",
    "all_error_classes",
]


PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    """One field at fault in a validation error."""

    field: str
    """The JSON name (``lines[2].quantity`` for nested values)."""
    message: str
    """What is wrong, in words a client developer can act on."""


class LedgerportError(Exception):
    """Base of every error a client can see. Subclasses fix ``status``, ``code`` and ``title``."""

    status: int = 500
    code: str = "LP500"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)
        self.headers: dict[str, str] = dict(headers or {})

    @property
    def type_uri(self) -> str:
        return f"https://ledgerport.dev/problems/{self.code}"

    def document(self, instance: str | None = None) -> dict[str, object]:
        """The RFC 9457 problem document of this error."""
        body: dict[str, object] = {
            "type": self.type_uri,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        return body


class RequestError(LedgerportError):
    status = 400
    code = "LP100"
    title = "Bad request"


class MalformedBody(RequestError):
    code = "LP101"
    title = "Malformed request body"


class UnsupportedMediaType(RequestError):
    status = 415
    code = "LP102"
    title = "Unsupported media type"


class BodyTooLarge(RequestError):
    status = 413
    code = "LP103"
    title = "Request body too large"


class BadPath(RequestError):
    code = "LP104"
    title = "Bad path"


class BadQueryOption(RequestError):
    code = "LP105"
    title = "Bad query option"


class BadHeader(RequestError):
    code = "LP106"
    title = "Bad header"


class BadBatch(RequestError):
    code = "LP107"
    title = "Malformed batch request"


class BatchTooLarge(RequestError):
    status = 413
    code = "LP108"
    title = "Too many requests in one batch"


class FailedDependency(RequestError):
    status = 424
    code = "LP109"
    title = "Failed dependency"


class PlanError(LedgerportError):
    status = 400
    code = "LP200"
    title = "Request does not fit the data model"


class UnknownResource(PlanError):
    status = 404
    code = "LP201"
    title = "Unknown resource"


class NotFound(PlanError):
    status = 404
    code = "LP202"
    title = "Not found"


class ValidationFailed(PlanError):
    status = 400
    code = "LP203"
    title = "Validation failed"


class MethodNotAllowed(PlanError):
    status = 405
    code = "LP205"
    title = "Method not allowed"


class UnknownAction(PlanError):
    status = 404
    code = "LP206"
    title = "Unknown action"


class AuthError(LedgerportError):
    status = 401
    code = "LP300"
    title = "Authentication error"


class Unauthenticated(AuthError):
    status = 401
    code = "LP301"
    title = "Authentication required"


class Forbidden(AuthError):
    status = 403
    code = "LP302"
    title = "Forbidden"


class CompanyForbidden(AuthError):
    status = 403
    code = "LP303"
    title = "No access to this company"


class RateLimited(AuthError):
    status = 429
    code = "LP304"
    title = "Too many requests"


class StoreError(LedgerportError):
    status = 409
    code = "LP400"
    title = "Conflict"


class DuplicateKey(StoreError):
    code = "LP401"
    title = "Duplicate key"


class MissingReference(StoreError):
    status = 422
    code = "LP402"
    title = "Referenced entity does not exist"


class StillReferenced(StoreError):
    code = "LP403"
    title = "Entity is still referenced"


class PreconditionFailed(StoreError):
    status = 412
    code = "LP404"
    title = "Precondition failed"


class DatabaseBusy(StoreError):
    status = 503
    code = "LP405"
    title = "Database busy"


class Conflict(StoreError):
    code = "LP406"
    title = "Conflict"


class SeriesExhausted(StoreError):
    code = "LP407"
    title = "Number series exhausted"


class DocumentLocked(StoreError):
    code = "LP408"
    title = "Document is read-only"


class ActionRefused(StoreError):
    status = 422
    code = "LP409"
    title = "Action refused"


class IdempotencyInProgress(StoreError):
    code = "LP410"
    title = "Request with this idempotency key still running"


class IdempotencyKeyReused(StoreError):
    status = 422
    code = "LP411"
    title = "Idempotency key used for another request"


class InternalError(LedgerportError):
    """Never raised for bad input; rendered without internals."""


def all_error_classes() -> tuple[type[LedgerportError], ...]:
    """Every error class with its own code, base classes first."""
    seen: list[type[LedgerportError]] = []
    stack: list[type[LedgerportError]] = [LedgerportError]
    while stack:
        cls = stack.pop(0)
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return tuple(seen)


class UpstreamFailed(LedgerportError):
    """A service ledgerport called for the client (a custom action) failed or timed out."""

    status = 502
    code = "LP502"
    title = "The called service failed"
