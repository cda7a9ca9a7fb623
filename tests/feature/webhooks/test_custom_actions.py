"""Custom actions: an admin registers a service; users fire it on their own company's entities."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from feature.helpers import assert_problem, error_fields
from feature.webhooks.helpers import verified
from feature.webhooks.receiver import Answer
from feature.webhooks.support import HookLive


@contextmanager
def registered(hooks: HookLive, path: str, **body: Any) -> Iterator[dict[str, Any]]:
    body = {
        "name": f"print-{uuid.uuid4().hex[:8]}",
        "label": "Print label",
        "resource": "associates",
        "url": hooks.receiver.url(path),
        **body,
    }
    with hooks.client("admin") as admin:
        response = admin.post("/api/customactions", json=body)
        assert response.status_code == 201, response.text
        created = response.json()
        try:
            yield created
        finally:
            admin.delete(f"/api/customactions/{created['id']}")


def _customer(hooks: HookLive, name: str = "Custom AS") -> int:
    with hooks.client() as client:
        response = client.post("/api/9999/associates", json={"name": name})
        assert response.status_code == 201
        key = response.json()["associateNo"]
        assert isinstance(key, int)
        return key


def test_fire_sends_entity_and_user_signed_and_relays_the_answer(hooks: HookLive) -> None:
    path = hooks.path()
    reply = json.dumps({"message": "Label printed", "copies": 2}).encode()
    hooks.receiver.answer(path, Answer(200, (("content-type", "application/json"),), body=reply))
    key = _customer(hooks, "Print AS")
    with registered(hooks, path) as action, hooks.client() as client:
        assert action["secret"].startswith("whsec_")
        response = client.post(f"/api/9999/associates/{key}/actions/custom/{action['name']}")
        assert response.status_code == 200, response.text
        got = hooks.receiver.requests(path)
    assert response.json() == {
        "action": action["name"],
        "status": 200,
        "message": "Label printed",
        "result": {"message": "Label printed", "copies": 2},
    }
    call = verified(action["secret"], got[0])
    assert call["companyNo"] == 9999
    assert call["key"] == {"associateNo": key}
    assert call["entity"]["name"] == "Print AS"
    assert call["user"] == {"username": "alice", "contextUser": "ALICE"}


def test_a_failing_or_slow_service_is_a_502(hooks: HookLive) -> None:
    path = hooks.path()
    hooks.receiver.answer(path, Answer(500), Answer(204, delay=1.5))
    key = _customer(hooks)
    with registered(hooks, path) as action, hooks.client() as client:
        url = f"/api/9999/associates/{key}/actions/custom/{action['name']}"
        assert "500" in str(assert_problem(client.post(url), 502, "LP502")["detail"])
        assert "did not answer" in str(assert_problem(client.post(url), 502, "LP502")["detail"])


def test_a_refusal_from_the_service_is_relayed(hooks: HookLive) -> None:
    path = hooks.path()
    body = json.dumps({"message": "Customer is blocked"}).encode()
    hooks.receiver.answer(path, Answer(422, (("content-type", "application/json"),), body=body))
    key = _customer(hooks)
    with registered(hooks, path) as action, hooks.client() as client:
        response = client.post(f"/api/9999/associates/{key}/actions/custom/{action['name']}")
    assert response.status_code == 422
    assert response.json()["message"] == "Customer is blocked"


def test_company_isolation_and_unknown_targets(hooks: HookLive) -> None:
    path = hooks.path()
    key = _customer(hooks)
    with registered(hooks, path) as action, registered(hooks, path, companies=[1000]) as other:
        with hooks.client("bob") as bob:
            response = bob.post(f"/api/9999/associates/{key}/actions/custom/{action['name']}")
            assert_problem(response, 403, "LP303")
        with hooks.client() as alice:
            base = f"/api/9999/associates/{key}/actions/custom"
            assert_problem(alice.post(f"{base}/nosuch"), 404, "LP206")
            assert_problem(alice.post(f"{base}/{other['name']}"), 404, "LP206")
            missing = f"/api/9999/associates/99999999/actions/custom/{action['name']}"
            assert_problem(alice.post(missing), 404, "LP202")
        assert hooks.receiver.requests(path) == []


def test_only_admins_register_and_bad_registrations_are_named(hooks: HookLive) -> None:
    with hooks.client("alice") as alice:
        assert_problem(alice.get("/api/customactions"), 403, "LP302")
    with hooks.client("admin") as admin:
        response = admin.post(
            "/api/customactions",
            json={"name": "9bad", "label": "", "resource": "nope", "url": "gopher://x", "x": 1},
        )
        body = assert_problem(response, 400, "LP203")
        assert error_fields(body) == {"name", "label", "resource", "url", "x"}
        with registered(hooks, "/dup", name="dup") as action:
            again = admin.post(
                "/api/customactions",
                json={
                    "name": "dup",
                    "label": "Again",
                    "resource": "associates",
                    "url": hooks.receiver.url("/dup"),
                },
            )
            assert_problem(again, 409, "LP406")
            listed = admin.get("/api/customactions").json()["value"]
            assert [a["name"] for a in listed if a["id"] == action["id"]] == ["dup"]
            assert all("secret" not in a for a in listed)
        assert_problem(admin.get(f"/api/customactions/{action['id']}"), 404, "LP202")
