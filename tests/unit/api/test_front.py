"""The front door: data requests go straight to the endpoint, errors answered by the app's own
handlers, and paths an earlier route matches (or methods the route lacks) go to Starlette."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ledgerport.api.front import Front
from ledgerport.api.problem import handle_error, handle_unexpected
from ledgerport.errors import LedgerportError, NotFound

SEEN: list[str] = []


async def data(request: Request) -> Response:
    SEEN.append("data " + request.url.path)
    tail = request.path_params.get("path", "") or request.url.path.rsplit("/", 1)[-1]
    if tail == "missing":
        raise NotFound("There is no such thing.")
    if tail == "broken":
        raise RuntimeError("boom")
    return PlainTextResponse(f"data {request.app.state.name}")


async def audit(request: Request) -> Response:
    SEEN.append("audit " + request.url.path)
    return PlainTextResponse("audit")


def app() -> Front:
    company_data = Route("/api/{company:int}/{path:path}", data, methods=["GET", "POST"])
    starlette = Starlette(
        routes=[Route("/api/{company:int}/auditlog", audit, methods=["GET"]), company_data],
        exception_handlers={LedgerportError: handle_error, Exception: handle_unexpected},
    )
    starlette.state.name = "state reached"
    return Front(starlette, company_data)


async def get(method: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path)


async def test_data_requests_reach_the_endpoint_with_the_app_state() -> None:
    answer = await get("GET", "/api/9999/associates")
    assert answer.status_code == 200
    assert answer.text == "data state reached"
    assert SEEN[-1] == "data /api/9999/associates"


async def test_errors_are_answered_by_the_apps_handlers() -> None:
    missing = await get("GET", "/api/9999/missing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "There is no such thing."
    broken = await get("GET", "/api/9999/broken")
    assert broken.status_code == 500
    assert broken.headers["content-type"] == "application/problem+json"
    assert "boom" not in broken.text


async def test_an_earlier_route_and_other_methods_go_through_starlette() -> None:
    audited = await get("GET", "/api/9999/auditlog")
    assert audited.text == "audit"
    assert SEEN[-1] == "audit /api/9999/auditlog"
    deleted = await get("DELETE", "/api/9999/associates")
    assert deleted.status_code == 405  # Starlette's answer: the route takes GET and POST
