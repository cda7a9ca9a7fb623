"""Custom actions: ``/api/customactions`` (admin) and firing one on an entity.

``POST /api/{companyNo}/{resource}/{key...}/actions/custom/{name}`` reads the entity through
the same pipeline as a GET (company isolation, 404, scopes), then calls the action's service
with the entity and the user, and answers with the service's status and message.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledgerport.api.authn import principal_for, services_of
from ledgerport.api.resources import read_body
from ledgerport.auth.policy import authorize
from ledgerport.auth.principal import Principal
from ledgerport.codec import decode, encode
from ledgerport.errors import BadPath, Forbidden
from ledgerport.events.custom import CustomAction, CustomActions, custom_action_input
from ledgerport.events.sealing import secret_box
from ledgerport.events.targets import policy_of
from ledgerport.model import Scope
from ledgerport.pipeline import run
from ledgerport.request.intent import Method, ResourceRequest
from ledgerport.request.parse import parse_body, parse_target
from ledgerport.services import Services

__all__ = ["custom_action_routes"]

JSON = "application/json"
_SUFFIX = "/actions/custom/"


def action_json(action: CustomAction, secret: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "id": action.id,
        "name": action.name,
        "label": action.label,
        "resource": action.resource,
        "url": action.url,
        "companies": None if action.companies is None else list(action.companies),
        "createdDateTime": action.created_at,
    }
    if secret is not None:
        body["secret"] = secret
    return body


def _json(value: object, status: int = 200) -> Response:
    return Response(encode(value), status, media_type=JSON)


async def _admin(request: Request) -> tuple[Services, Principal, CustomActions]:
    services = services_of(request)
    principal = await principal_for(request)
    if "admin" not in principal.scopes:
        raise Forbidden("Custom actions are managed with the 'admin' scope.")
    box = secret_box(services.settings, services.secret_key)
    return services, principal, CustomActions(services.database, box)


def _id(request: Request) -> int:
    raw = str(request.path_params["id"])
    if not raw.isdigit() or len(raw) > 15:
        raise BadPath(f"{raw!r} is not a custom action id.")
    return int(raw)


async def collection(request: Request) -> Response:
    services, _principal, store = await _admin(request)
    if request.method == "GET":
        return _json({"value": [action_json(a) for a in await store.all()]})
    raw = await read_body(request, services.settings.server.max_body_bytes)
    body = parse_body(request.headers.get("content-type"), raw)
    resources = [e.qualified_name for e in services.registry.entities]
    new = custom_action_input(body, resources, policy_of(services.settings))
    created, secret = await store.create(new, services.clock())
    return _json(action_json(created, secret), 201)


async def item(request: Request) -> Response:
    _services, _principal, store = await _admin(request)
    if request.method == "DELETE":
        await store.delete(_id(request))
        return Response(status_code=204)
    return _json(action_json(await store.get(_id(request))))


async def fire(request: Request) -> Response:
    services = services_of(request)
    principal = await principal_for(request)
    raw_path = request.scope.get("raw_path", b"").decode("latin-1").split("?")[0]
    prefix, _, name = raw_path.rpartition(_SUFFIX)
    target = parse_target(prefix)
    if not target.rest:
        raise BadPath("Name the entity: /api/{companyNo}/{resource}/{key...}/actions/custom/...")
    authorize(principal, target, Method.POST)
    entity = services.registry.get(target.scope, target.resource)
    qualified = entity.qualified_name if entity else target.resource
    box = secret_box(services.settings, services.secret_key)
    action = await CustomActions(services.database, box).named(qualified, name, target.company_no)
    found = await run(ResourceRequest(method=Method.GET, target=target), principal, services)
    current = decode(found.body or b"{}")
    key = {k: current.get(k) for k in (entity.key if entity else ())}
    call = {
        "action": action.name,
        "companyNo": target.company_no if target.scope is Scope.COMPANY else None,
        "resource": qualified,
        "key": key,
        "entity": {k: v for k, v in current.items() if not k.startswith("@")},
        "user": {"username": principal.username, "contextUser": principal.context_user},
        "timestamp": services.clock(),
    }
    # Loads the HTTP client (httpx) at the first call: a server without custom actions
    # never needs it.
    from ledgerport.events.custom_call import call_action

    reply = await call_action(
        action,
        box,
        call,
        policy_of(services.settings),
        services.settings.webhooks.timeout_seconds,
        services.clock(),
    )
    return _json(
        {
            "action": action.name,
            "status": reply.status,
            "message": reply.message,
            "result": reply.result,
        },
        reply.status,
    )


def custom_action_routes() -> list[Route]:
    return [
        Route("/api/customactions", collection, methods=["GET", "POST"]),
        Route("/api/customactions/{id}", item, methods=["GET", "DELETE"]),
        Route("/api/{first}/{rest:path}/actions/custom/{name}", fire, methods=["POST"]),
    ]
