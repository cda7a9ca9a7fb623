"""Subscribing in tests, waiting for deliveries, verifying what a receiver got."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from standardwebhooks.webhooks import Webhook

from feature.webhooks.receiver import Received
from feature.webhooks.support import HookLive


@contextmanager
def subscribed(
    hooks: HookLive, path: str, user: str = "alice", **body: Any
) -> Iterator[dict[str, Any]]:
    """A subscription to the receiver's ``path`` for the duration of the block."""
    body.setdefault("events", ["associates.*"])
    with hooks.client(user) as client:
        response = client.post("/api/webhooks", json={"url": hooks.receiver.url(path), **body})
        assert response.status_code == 201, response.text
        created = response.json()
        try:
            yield created
        finally:
            client.delete(f"/api/webhooks/{created['id']}")


def verified(secret: str, received: Received) -> dict[str, Any]:
    """The body, verified by the standardwebhooks library as a receiver would."""
    payload = Webhook(secret).verify(received.body, received.headers)
    assert isinstance(payload, dict)
    return payload


def wait_until(check: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def deliveries(hooks: HookLive, sub_id: int, user: str = "alice") -> list[dict[str, Any]]:
    with hooks.client(user) as client:
        response = client.get(f"/api/webhooks/{sub_id}/deliveries")
        assert response.status_code == 200, response.text
        value = response.json()["value"]
        assert isinstance(value, list)
        return value
