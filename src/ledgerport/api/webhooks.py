"""``/api/webhooks``: a user's webhook subscriptions, their deliveries, replay and ping.

Thin: authenticate, check the ``webhooks`` scope, parse, call ``events.manage``, render.
A user only ever sees their own subscriptions (another's id answers 404).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledgerport.api.authn import principal_for, services_of
from ledgerport.api.resources import read_body
from ledgerport.auth.principal import Principal
from ledgerport.codec import encode
from ledgerport.errors import BadPath, BadQueryOption, FieldError, Forbidden, ValidationFailed
from ledgerport.events.manage import Delivery, Webhooks
from ledgerport.events.sealing import secret_box
from ledgerport.events.subscriptions import Subscription
from ledgerport.events.targets import policy_of
from ledgerport.events.validate import subscription_input
from ledgerport.request.parse import parse_body
from ledgerport.services import Services

__all__ = ["subscription_json", "webhook_routes"]

JSON = "application/json"
STATUSES = ("pending", "delivering", "succeeded", "dead", "skipped")
DEFAULT_GRACE_SECONDS = 24 * 3600


def subscription_json(sub: Subscription, secret: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "id": sub.id,
        "url": sub.url,
        "events": list(sub.events),
        "companies": None if sub.companies is None else list(sub.companies),
        "filter": None if sub.filter is None else {k: list(v) for k, v in sub.filter.items()},
        "description": sub.description,
        "enabled": sub.enabled,
        "disabledReason": sub.disabled_reason,
        "previousSecretValidUntil": sub.previous_secret_until if sub.previous_secret else None,
        "createdDateTime": sub.created_at,
        "lastModifiedDateTime": sub.updated_at,
    }
    if secret is not None:
        body["secret"] = secret
    return body


def delivery_json(d: Delivery) -> dict[str, object]:
    return {
        "id": d.id,
        "messageId": d.message_id,
        "type": d.event_type,
        "companyNo": d.company_no,
        "sequence": d.sequence,
        "status": d.status,
        "attempts": d.attempts,
        "nextAttemptDateTime": d.next_attempt_at,
        "responseStatusCode": d.last_status_code,
        "error": d.last_error,
        "durationMs": None if d.last_duration_ms is None else round(d.last_duration_ms, 1),
        "createdDateTime": d.created_at,
        "finishedDateTime": d.finished_at,
        "attemptLog": [
            {
                "at": a.at,
                "responseStatusCode": a.status_code,
                "durationMs": round(a.duration_ms, 1),
                "error": a.error,
            }
            for a in d.log
        ],
    }


def _json(value: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(encode(value), status, dict(headers or {}), JSON)


async def _caller(request: Request) -> tuple[Services, Principal, Webhooks]:
    services = services_of(request)
    principal = await principal_for(request)
    if "webhooks" not in principal.scopes:
        raise Forbidden("This credential lacks the 'webhooks' scope.")
    box = secret_box(services.settings, services.secret_key)
    return services, principal, Webhooks(services.database, box)


async def _body(
    request: Request, services: Services, *, optional: bool = False
) -> dict[str, object]:
    raw = await read_body(request, services.settings.server.max_body_bytes)
    if optional and not raw.strip():
        return {}
    return parse_body(request.headers.get("content-type"), raw)


def _id(request: Request, name: str = "id") -> int:
    raw = str(request.path_params[name])
    if not raw.isdigit() or len(raw) > 15:
        raise BadPath(f"{raw!r} is not a {name.replace('_', ' ')}.")
    return int(raw)


def _resources(services: Services) -> list[str]:
    return [e.qualified_name for e in services.registry.entities]


async def collection(request: Request) -> Response:
    services, principal, hooks = await _caller(request)
    if request.method == "GET":
        subs = await hooks.all(principal.username)
        return _json({"value": [subscription_json(s) for s in subs]})
    body = await _body(request, services)
    new = subscription_input(body, principal, _resources(services), policy_of(services.settings))
    created, secret = await hooks.create(principal.username, new, services.clock())
    location = f"{request.url.scheme}://{request.url.netloc}/api/webhooks/{created.id}"
    return _json(subscription_json(created, secret), 201, {"Location": location})


async def item(request: Request) -> Response:
    services, principal, hooks = await _caller(request)
    subscription_id = _id(request)
    if request.method == "GET":
        return _json(subscription_json(await hooks.get(principal.username, subscription_id)))
    if request.method == "DELETE":
        await hooks.delete(principal.username, subscription_id)
        return Response(status_code=204)
    current = await hooks.get(principal.username, subscription_id)
    body = await _body(request, services)
    new = subscription_input(
        body, principal, _resources(services), policy_of(services.settings), current
    )
    updated = await hooks.update(principal.username, current, new, services.clock())
    return _json(subscription_json(updated))


async def rotate(request: Request) -> Response:
    services, principal, hooks = await _caller(request)
    body = await _body(request, services, optional=True)
    grace = body.get("graceSeconds", DEFAULT_GRACE_SECONDS)
    unknown = [k for k in body if k != "graceSeconds"]
    if (
        unknown
        or not isinstance(grace, int)
        or isinstance(grace, bool)
        or not 0 <= grace <= 7 * 86400
    ):
        errors = [FieldError(k, "unknown field") for k in unknown] or [
            FieldError("graceSeconds", "must be a whole number of seconds from 0 to 604800")
        ]
        raise ValidationFailed("The rotation request is not valid.", errors=errors)
    rotated, secret = await hooks.rotate(principal.username, _id(request), grace, services.clock())
    return _json(subscription_json(rotated, secret))


async def deliveries(request: Request) -> Response:
    _services, principal, hooks = await _caller(request)
    status = request.query_params.get("status")
    if status is not None and status not in STATUSES:
        raise BadQueryOption(f"status must be one of {', '.join(STATUSES)}.")
    raw_top = request.query_params.get("$top", "100")
    if not raw_top.isdigit() or not 1 <= int(raw_top) <= 1000:
        raise BadQueryOption("$top must be a whole number from 1 to 1000.")
    found = await hooks.deliveries(principal.username, _id(request), status, int(raw_top))
    return _json({"value": [delivery_json(d) for d in found]})


async def replay_one(request: Request) -> Response:
    services, principal, hooks = await _caller(request)
    count = await hooks.replay(
        principal.username, _id(request), _id(request, "delivery_id"), services.clock()
    )
    return _json({"replayed": count}, 202)


async def replay_failed(request: Request) -> Response:
    services, principal, hooks = await _caller(request)
    count = await hooks.replay(principal.username, _id(request), None, services.clock())
    return _json({"replayed": count}, 202)


async def ping(request: Request) -> Response:
    services, principal, hooks = await _caller(request)
    delivery_id = await hooks.ping(principal.username, _id(request), services.clock())
    return _json({"deliveryId": delivery_id}, 202)


def webhook_routes() -> list[Route]:
    return [
        Route("/api/webhooks", collection, methods=["GET", "POST"]),
        Route("/api/webhooks/{id}", item, methods=["GET", "PATCH", "DELETE"]),
        Route("/api/webhooks/{id}/rotate-secret", rotate, methods=["POST"]),
        Route("/api/webhooks/{id}/deliveries", deliveries, methods=["GET"]),
        Route("/api/webhooks/{id}/deliveries/replay", replay_failed, methods=["POST"]),
        Route("/api/webhooks/{id}/deliveries/{delivery_id}/replay", replay_one, methods=["POST"]),
        Route("/api/webhooks/{id}/ping", ping, methods=["POST"]),
    ]
