"""``/api/{companyNo}/auditlog[/{changeNo}]``: the company's change log, read-only.

Pages follow the change number: ``$top`` (at most ``max_page_size``) and ``$skiptoken`` (the
last change number seen), with ``@odata.nextLink`` while more remain.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.api.authn import principal_for, services_of
from ledgerport.auth.policy import authorize
from ledgerport.codec import encode
from ledgerport.errors import BadQueryOption, MethodNotAllowed, NotFound
from ledgerport.request.parse import parse_method, parse_target
from ledgerport.store.audit import audit_entries, audit_entry

__all__ = ["auditlog"]


def _number(value: str | None, name: str, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise BadQueryOption(f"{name} must be a non-negative integer, not {value!r}.")
    return int(value)


async def auditlog(request: Request) -> Response:
    services = services_of(request)
    principal = await principal_for(request)
    method = parse_method(request.method)
    target = parse_target(request.scope.get("raw_path", b"").decode("latin-1").split("?")[0])
    authorize(principal, target, method)
    if method.value != "GET":
        raise MethodNotAllowed("The audit log is read-only.", headers={"Allow": "GET"})
    assert target.company_no is not None
    if target.rest:
        if len(target.rest) != 1 or not target.rest[0].isdigit():
            raise NotFound(f"There is no audit entry {'/'.join(target.rest)!r}.")
        async with services.database.read() as conn:
            entry = await audit_entry(conn, target.company_no, int(target.rest[0]))
        if entry is None:
            raise NotFound(f"There is no audit entry {target.rest[0]}.")
        return Response(encode(entry), 200, media_type="application/json")
    params = {k.lower(): v for k, v in request.query_params.items()}
    server = services.settings.server
    top = min(_number(params.get("$top"), "$top", server.default_page_size), server.max_page_size)
    after = _number(params.get("$skiptoken"), "$skiptoken", 0)
    async with services.database.read() as conn:
        entries = await audit_entries(conn, target.company_no, after=after, limit=top + 1)
    body: dict[str, object] = {"value": entries[:top]}
    if len(entries) > top:
        last = entries[top - 1]["changeNo"]
        body["@odata.nextLink"] = (
            f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
            f"?$top={top}&$skiptoken={last}"
        )
    return Response(encode(body), 200, media_type="application/json")
