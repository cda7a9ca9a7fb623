"""The OpenAPI parts of webhooks and custom actions: paths, schemas and the ``webhooks``
section (OpenAPI 3.1 §4.8.1: requests ledgerport sends to subscribers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ledgerport.api.openapi_schemas import ERROR_RESPONSES, EntityNames, ref
from ledgerport.model import Entity, Registry, Scope

__all__ = [
    "WEBHOOK_TAGS",
    "custom_action_paths",
    "webhook_events",
    "webhook_paths",
    "webhook_schemas",
]

JSON = "application/json"
WEBHOOK_TAGS = [
    {"name": "webhooks", "description": "Subscriptions to change events (Standard Webhooks)."},
    {"name": "custom actions", "description": "Operator-registered services fired on entities."},
]
OPERATIONS = ("created", "updated", "deleted")

_SIGNATURE_HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "Message id, the same on every retry: use it to drop duplicates.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Unix seconds of this attempt; refuse ones older than a few minutes.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "Space-separated `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, one "
        "per active secret (two during a rotation's grace period).",
        "schema": {"type": "string"},
    },
]


def _errors(*statuses: int) -> dict[str, object]:
    return {str(s): ref("responses", ERROR_RESPONSES[s][0]) for s in statuses}


def _op(
    tag: str, operation_id: str, summary: str, scope: str, responses: Mapping[str, object]
) -> dict[str, object]:
    return {
        "tags": [tag],
        "summary": summary,
        "operationId": operation_id,
        "responses": {**responses, **_errors(400, 401, 403, 404, 429)},
        "security": [{"basicAuth": []}, {"bearerAuth": []}, {"oauth2": [scope]}],
    }


def _content(schema: str) -> dict[str, object]:
    return {JSON: {"schema": ref("schemas", schema)}}


def _id_parameter(name: str = "id") -> dict[str, object]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _hook(operation_id: str, summary: str, responses: Mapping[str, object]) -> dict[str, object]:
    return _op("webhooks", operation_id, summary, "webhooks", responses)


def webhook_paths() -> dict[str, object]:
    ok = {"200": {"description": "The subscription.", "content": _content("WebhookSubscription")}}
    queued = {"202": {"description": "Queued.", "content": {JSON: {"schema": {"type": "object"}}}}}
    create = _hook(
        "createWebhook",
        "Subscribe (the answer holds the secret, shown only this once)",
        {"201": {"description": "Created.", "content": _content("WebhookSubscription")}},
    )
    create["requestBody"] = {"required": True, "content": _content("WebhookSubscriptionInput")}
    update = _hook("updateWebhook", "Change a subscription", dict(ok))
    update["requestBody"] = {"required": True, "content": _content("WebhookSubscriptionInput")}
    rotate = _hook("rotateWebhookSecret", "New secret; the old one signs during a grace period", ok)
    rotate["requestBody"] = {
        "required": False,
        "content": {
            JSON: {
                "schema": {
                    "type": "object",
                    "properties": {"graceSeconds": {"type": "integer", "default": 86400}},
                }
            }
        },
    }
    listed = {"description": "Your subscriptions.", "content": _content("WebhookSubscriptionList")}
    deliveries = _hook(
        "listWebhookDeliveries",
        "Deliveries, newest first, with every attempt",
        {"200": {"description": "Deliveries.", "content": _content("WebhookDeliveryList")}},
    )
    deliveries["parameters"] = [
        {
            "name": "status",
            "in": "query",
            "schema": {
                "type": "string",
                "enum": ["pending", "delivering", "succeeded", "dead", "skipped"],
            },
        },
        {"name": "$top", "in": "query", "schema": {"type": "integer", "default": 100}},
    ]
    one = {"parameters": [_id_parameter()]}
    return {
        "/api/webhooks": {
            "get": _hook("listWebhooks", "List your subscriptions", {"200": listed}),
            "post": create,
        },
        "/api/webhooks/{id}": {
            **one,
            "get": _hook("getWebhook", "Get a subscription", ok),
            "patch": update,
            "delete": _hook("deleteWebhook", "Delete", {"204": {"description": "Deleted."}}),
        },
        "/api/webhooks/{id}/rotate-secret": {**one, "post": rotate},
        "/api/webhooks/{id}/deliveries": {**one, "get": deliveries},
        "/api/webhooks/{id}/deliveries/replay": {
            **one,
            "post": _hook("replayFailedWebhookDeliveries", "Replay every dead delivery", queued),
        },
        "/api/webhooks/{id}/deliveries/{deliveryId}/replay": {
            "parameters": [_id_parameter(), _id_parameter("deliveryId")],
            "post": _hook("replayWebhookDelivery", "Replay one delivery", queued),
        },
        "/api/webhooks/{id}/ping": {
            **one,
            "post": _hook("pingWebhook", "Send a `webhook.ping` event", queued),
        },
        **_custom_action_admin_paths(),
    }


def _custom_action_admin_paths() -> dict[str, object]:
    def admin(
        operation_id: str, summary: str, responses: Mapping[str, object]
    ) -> dict[str, object]:
        return _op("custom actions", operation_id, summary, "admin", responses)

    create = admin(
        "createCustomAction",
        "Register a custom action (the answer holds its secret, shown once)",
        {"201": {"description": "Registered.", "content": _content("CustomAction")}},
    )
    create["requestBody"] = {"required": True, "content": _content("CustomActionInput")}
    listed = {
        "type": "object",
        "properties": {"value": {"type": "array", "items": ref("schemas", "CustomAction")}},
    }
    return {
        "/api/customactions": {
            "get": admin(
                "listCustomActions",
                "List custom actions",
                {"200": {"description": "Actions.", "content": {JSON: {"schema": listed}}}},
            ),
            "post": create,
        },
        "/api/customactions/{id}": {
            "parameters": [_id_parameter()],
            "get": admin(
                "getCustomAction",
                "Get a custom action",
                {"200": {"description": "The action.", "content": _content("CustomAction")}},
            ),
            "delete": admin("deleteCustomAction", "Delete", {"204": {"description": "Deleted."}}),
        },
    }


def custom_action_paths(
    entity: Entity, names: EntityNames, item_path: str, parameters: list[object]
) -> dict[str, object]:
    """``{item}/actions/custom/{actionName}`` of one entity."""
    operation = _op(
        "custom actions",
        names.operation_id("fireCustomAction"),
        f"Fire a custom action on a {entity.title.lower()}",
        "write",
        {
            "200": {
                "description": "The service's answer (its 2xx or 4xx status is relayed).",
                "content": _content("CustomActionReply"),
            },
            **_errors(502),
        },
    )
    name = {"name": "actionName", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        f"{item_path}/actions/custom/{{actionName}}": {
            "parameters": [*parameters, name],
            "post": operation,
        }
    }


def webhook_schemas() -> dict[str, object]:
    string_list = {"type": "array", "items": {"type": "string"}}
    companies = {"type": ["array", "null"], "items": {"type": "integer"}}
    filter_ = {
        "type": ["object", "null"],
        "description": "Field name → a value or a list of accepted values; all must match.",
        "additionalProperties": True,
    }
    subscription_input = {
        "type": "object",
        "required": ["url", "events"],
        "properties": {
            "url": {"type": "string", "format": "uri", "description": "https only."},
            "events": {
                **string_list,
                "description": "Event names (`associates.created`), `resource.*` or `*`.",
            },
            "companies": {**companies, "description": "A subset of your own; null: all of them."},
            "filter": filter_,
            "description": {"type": ["string", "null"]},
            "enabled": {"type": "boolean", "default": True},
        },
    }
    subscription = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            **subscription_input["properties"],  # type: ignore[dict-item]
            "disabledReason": {"type": ["string", "null"]},
            "secret": {"type": "string", "description": "Only on create and rotate: `whsec_…`."},
            "previousSecretValidUntil": {"type": ["string", "null"], "format": "date-time"},
            "createdDateTime": {"type": "string", "format": "date-time"},
            "lastModifiedDateTime": {"type": "string", "format": "date-time"},
        },
    }
    attempt = {
        "type": "object",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "responseStatusCode": {"type": ["integer", "null"]},
            "durationMs": {"type": "number"},
            "error": {"type": ["string", "null"]},
        },
    }
    delivery = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "messageId": {"type": "string"},
            "type": {"type": "string"},
            "companyNo": {"type": ["integer", "null"]},
            "sequence": {"type": "integer"},
            "status": {
                "type": "string",
                "enum": ["pending", "delivering", "succeeded", "dead", "skipped"],
            },
            "attempts": {"type": "integer"},
            "nextAttemptDateTime": {"type": ["string", "null"], "format": "date-time"},
            "responseStatusCode": {"type": ["integer", "null"]},
            "error": {"type": ["string", "null"]},
            "durationMs": {"type": ["number", "null"]},
            "createdDateTime": {"type": "string", "format": "date-time"},
            "finishedDateTime": {"type": ["string", "null"], "format": "date-time"},
            "attemptLog": {"type": "array", "items": attempt},
        },
    }
    event = {
        "type": "object",
        "title": "Webhook event",
        "description": "The body of every delivery (Standard Webhooks).",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"type": "string", "examples": ["associates.created"]},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": {
                "type": "object",
                "required": ["companyNo", "resource", "key", "sequence", "entity"],
                "properties": {
                    "companyNo": {"type": ["integer", "null"]},
                    "resource": {"type": ["string", "null"]},
                    "key": {"type": "object"},
                    "sequence": {
                        "type": "integer",
                        "description": "Per subscription, in change order: reorder by it.",
                    },
                    "entity": {
                        "type": ["object", "null"],
                        "description": "Created: the values written; updated and actions: the "
                        "entity when the event was queued; deleted: null.",
                    },
                    "changes": {
                        "type": ["object", "null"],
                        "description": "Updates and actions: the changed fields' new values.",
                    },
                },
            },
        },
    }
    action_input = {
        "type": "object",
        "required": ["name", "label", "resource", "url"],
        "properties": {
            "name": {"type": "string"},
            "label": {"type": "string"},
            "resource": {"type": "string", "examples": ["orders", "sys.companies"]},
            "url": {"type": "string", "format": "uri"},
            "companies": companies,
        },
    }
    action = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            **action_input["properties"],  # type: ignore[dict-item]
            "secret": {"type": "string", "description": "Only on create: `whsec_…`."},
            "createdDateTime": {"type": "string", "format": "date-time"},
        },
    }
    reply = {
        "type": "object",
        "properties": {
            "action": {"type": "string"},
            "status": {"type": "integer"},
            "message": {"type": ["string", "null"]},
            "result": {"description": "The service's JSON answer."},
        },
    }
    return {
        "WebhookSubscriptionInput": subscription_input,
        "WebhookSubscription": subscription,
        "WebhookSubscriptionList": {
            "type": "object",
            "properties": {
                "value": {"type": "array", "items": ref("schemas", "WebhookSubscription")}
            },
        },
        "WebhookDelivery": delivery,
        "WebhookDeliveryList": {
            "type": "object",
            "properties": {"value": {"type": "array", "items": ref("schemas", "WebhookDelivery")}},
        },
        "WebhookEvent": event,
        "CustomActionInput": action_input,
        "CustomAction": action,
        "CustomActionReply": reply,
    }


def webhook_events(registry: Registry, schema_of: Callable[[Entity], str]) -> dict[str, object]:
    """The ``webhooks`` section: one entry per event, its entity's schema in ``data.entity``."""
    events: dict[str, object] = {}
    for entity in registry.entities:
        for operation in OPERATIONS:
            name = f"{entity.qualified_name}.{operation}"
            entity_schema: object = (
                {"type": "null"} if operation == "deleted" else ref("schemas", schema_of(entity))
            )
            body = {
                "allOf": [
                    ref("schemas", "WebhookEvent"),
                    {
                        "properties": {
                            "type": {"const": name},
                            "data": {"properties": {"entity": entity_schema}},
                        }
                    },
                ]
            }
            scope = "" if entity.scope is Scope.COMPANY else " (company-independent)"
            events[name] = {
                "post": {
                    "summary": f"{entity.title} {operation}{scope}",
                    "parameters": _SIGNATURE_HEADERS,
                    "requestBody": {"required": True, "content": {JSON: {"schema": body}}},
                    "responses": {
                        "2XX": {"description": "Received; any other answer is retried."},
                        "410": {"description": "Gone: the subscription is disabled."},
                    },
                }
            }
    events["webhook.ping"] = {
        "post": {
            "summary": "Test event sent by POST /api/webhooks/{id}/ping",
            "parameters": _SIGNATURE_HEADERS,
            "requestBody": {"content": _content("WebhookEvent")},
            "responses": {"2XX": {"description": "Received."}},
        }
    }
    return events
