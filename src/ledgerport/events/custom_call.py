"""Calling a custom action's service: signed like a webhook, through the SSRF guard.

Apart from ``events.custom`` (the stored actions) so that only a process that calls a service
loads the HTTP client.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
import msgspec

from ledgerport.codec import encode
from ledgerport.errors import UpstreamFailed
from ledgerport.events.custom import CustomAction
from ledgerport.events.guard import guarded_client, read_limited
from ledgerport.events.sealing import SecretBox
from ledgerport.events.signing import signed_headers
from ledgerport.events.targets import AddressPolicy, UnsafeTarget

__all__ = ["ActionReply", "call_action"]

MAX_MESSAGE = 1000


@dataclass(frozen=True)
class ActionReply:
    """The service's answer as the user sees it."""

    status: int
    message: str | None
    result: object


async def call_action(
    action: CustomAction,
    box: SecretBox,
    call: Mapping[str, object],
    policy: AddressPolicy,
    timeout_seconds: float,
    now: dt.datetime,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ActionReply:
    """POST the signed ``call`` to the action's service; 5xx, timeouts and refusals → 502."""
    body = encode(dict(call))
    headers = signed_headers([box.open(action.secret)], f"msg_{uuid.uuid4().hex}", now, body)
    try:
        async with (
            guarded_client(policy, timeout_seconds, transport) as client,
            client.stream("POST", action.url, content=body, headers=headers) as answer,
        ):
            raw = await read_limited(answer)
            status = answer.status_code
    except UnsafeTarget as exc:
        raise UpstreamFailed(f"The custom action's URL is refused: {exc}") from None
    except httpx.TimeoutException:
        raise UpstreamFailed(
            f"The custom action's service did not answer within {timeout_seconds:g} seconds."
        ) from None
    except httpx.HTTPError as exc:
        raise UpstreamFailed(f"The custom action's service cannot be reached: {exc}") from None
    if status >= 500 or status < 200 or 300 <= status < 400:
        raise UpstreamFailed(f"The custom action's service answered {status}.")
    result: object = None
    message: str | None = None
    try:
        result = msgspec.json.decode(raw) if raw.strip() else None
    except msgspec.DecodeError:
        message = raw.decode("utf-8", "replace")[:MAX_MESSAGE]
    if isinstance(result, dict) and isinstance(result.get("message"), str):
        message = result["message"][:MAX_MESSAGE]
    return ActionReply(status, message, result)
