"""Events from committed writes reach a real receiver, signed, in order, exactly as promised."""

from __future__ import annotations

import time
import uuid

from feature.helpers import unique_no
from feature.webhooks.helpers import deliveries, subscribed, verified, wait_until
from feature.webhooks.receiver import Answer
from feature.webhooks.support import HookLive


def test_create_update_delete_arrive_signed_and_in_order(hooks: HookLive) -> None:
    path = hooks.path()
    with subscribed(hooks, path, companies=[9999]) as sub, hooks.client() as client:
        assert sub["secret"].startswith("whsec_")
        started = time.monotonic()
        created = client.post("/api/9999/associates", json={"name": "Hook AS"})
        assert created.status_code == 201
        key = created.json()["associateNo"]
        client.patch(created.headers["location"], json={"city": "Molde"})
        client.delete(created.headers["location"])
        got = hooks.receiver.wait_for(path, 3)
        first_latency = got[0].at - started
        bodies = [verified(sub["secret"], r) for r in got]
    assert [b["type"] for b in bodies] == [
        "associates.created",
        "associates.updated",
        "associates.deleted",
    ]
    assert [b["data"]["sequence"] for b in bodies] == [1, 2, 3]
    assert all(b["data"]["companyNo"] == 9999 for b in bodies)
    assert all(b["data"]["key"] == {"associateNo": key} for b in bodies)
    assert all(b["data"]["resource"] == "associates" for b in bodies)
    assert bodies[0]["data"]["entity"]["name"] == "Hook AS"
    assert bodies[2]["data"]["entity"] is None
    assert bodies[0]["timestamp"].endswith("Z")
    assert got[0].headers["webhook-id"].startswith("msg_")
    assert first_latency < 2.0


def test_other_companies_and_resources_are_not_sent(hooks: HookLive) -> None:
    path = hooks.path()
    with subscribed(hooks, path, user="admin", companies=[9999]) as sub:
        with hooks.client("admin") as admin:
            admin.post("/api/1000/associates", json={"name": "Elsewhere AS"})
            admin.post("/api/9999/warehouses", json={"warehouseNo": unique_no(), "name": "W"})
            admin.post("/api/9999/associates", json={"name": "Here AS"})
        got = hooks.receiver.wait_for(path, 1)
        time.sleep(0.5)
        got = hooks.receiver.requests(path)
    assert len(got) == 1
    assert verified(sub["secret"], got[0])["data"]["entity"]["name"] == "Here AS"


def test_company_independent_events_are_prefixed(hooks: HookLive) -> None:
    path = hooks.path()
    with subscribed(hooks, path, user="admin", events=["sys.currencies.*"]) as sub:
        with hooks.client("admin") as admin:
            code = f"X{unique_no() % 100:02d}"
            response = admin.post("/api/sys/currencies", json={"currencyCode": code, "name": "X"})
            assert response.status_code == 201, response.text
        got = hooks.receiver.wait_for(path, 1)
    body = verified(sub["secret"], got[0])
    assert body["type"] == "sys.currencies.created"
    assert body["data"]["companyNo"] is None
    assert body["data"]["key"] == {"currencyCode": code}


def test_a_failed_write_sends_nothing(hooks: HookLive) -> None:
    path = hooks.path()
    customer_no = unique_no()
    with subscribed(hooks, path) as sub, hooks.client() as client:
        first = client.post("/api/9999/associates", json={"name": "A", "customerNo": customer_no})
        assert first.status_code == 201
        duplicate = client.post(
            "/api/9999/associates", json={"name": "B", "customerNo": customer_no}
        )
        assert duplicate.status_code == 409
        last = client.post("/api/9999/associates", json={"name": "C"})
        assert last.status_code == 201
        got = hooks.receiver.wait_for(path, 2)
        time.sleep(0.5)
        got = hooks.receiver.requests(path)
    names = [verified(sub["secret"], r)["data"]["entity"]["name"] for r in got]
    assert names == ["A", "C"]


def test_filter_on_field_values(hooks: HookLive) -> None:
    path = hooks.path()
    with subscribed(hooks, path, filter={"city": ["Molde", "Ålesund"]}) as sub:
        with hooks.client() as client:
            client.post("/api/9999/associates", json={"name": "Oslo AS", "city": "Oslo"})
            client.post("/api/9999/associates", json={"name": "Molde AS", "city": "Molde"})
        got = hooks.receiver.wait_for(path, 1)
        time.sleep(0.5)
        got = hooks.receiver.requests(path)
    assert [verified(sub["secret"], r)["data"]["entity"]["city"] for r in got] == ["Molde"]


def test_failing_receiver_is_retried_until_it_answers(hooks: HookLive) -> None:
    path = hooks.path()
    hooks.receiver.answer(path, Answer(500), Answer(502))
    with subscribed(hooks, path) as sub, hooks.client() as client:
        client.post("/api/9999/associates", json={"name": "Retry AS"})
        got = hooks.receiver.wait_for(path, 3)
        ids = {r.headers["webhook-id"] for r in got}

        def done() -> list[dict[str, object]]:
            found = deliveries(hooks, sub["id"])
            return found if found and found[0]["status"] == "succeeded" else []

        listed = wait_until(done)
    assert len(ids) == 1  # the same message, retried
    assert listed[0]["attempts"] == 3
    assert [a["responseStatusCode"] for a in listed[0]["attemptLog"]] == [500, 502, 204]
    assert listed[0]["attemptLog"][0]["error"].startswith("HTTP 500")
    assert all(a["durationMs"] >= 0 for a in listed[0]["attemptLog"])


def test_dead_letter_then_replay(hooks: HookLive) -> None:
    path = hooks.path()
    hooks.receiver.answer(path, Answer(500), Answer(500), Answer(500))
    with subscribed(hooks, path) as sub, hooks.client() as client:
        client.post("/api/9999/associates", json={"name": "Dead AS"})
        hooks.receiver.wait_for(path, 3)
        dead = wait_until(
            lambda: [d for d in deliveries(hooks, sub["id"]) if d["status"] == "dead"]
        )
        assert dead[0]["attempts"] == 3
        assert dead[0]["responseStatusCode"] == 500
        replay = client.post(f"/api/webhooks/{sub['id']}/deliveries/replay")
        assert replay.status_code == 202
        assert replay.json() == {"replayed": 1}
        got = hooks.receiver.wait_for(path, 4)
        wait_until(lambda: deliveries(hooks, sub["id"])[0]["status"] == "succeeded")
    assert verified(sub["secret"], got[3])["data"]["entity"]["name"] == "Dead AS"


def test_gone_disables_the_subscription(hooks: HookLive) -> None:
    path = hooks.path()
    hooks.receiver.answer(path, Answer(410))
    with subscribed(hooks, path) as sub, hooks.client() as client:
        client.post("/api/9999/associates", json={"name": "Gone AS"})
        hooks.receiver.wait_for(path, 1)
        shown = wait_until(
            lambda: (r := client.get(f"/api/webhooks/{sub['id']}").json())["enabled"] is False and r
        )
        client.post("/api/9999/associates", json={"name": "After AS"})
        time.sleep(0.8)
        assert len(hooks.receiver.requests(path)) == 1
    assert "410" in shown["disabledReason"]


def test_retry_after_is_honoured(hooks: HookLive) -> None:
    path = hooks.path()
    hooks.receiver.answer(path, Answer(503, (("Retry-After", "2"),)))
    with subscribed(hooks, path), hooks.client() as client:
        client.post("/api/9999/associates", json={"name": "Later AS"})
        got = hooks.receiver.wait_for(path, 2)
    assert got[1].at - got[0].at >= 1.9


def test_slow_receiver_does_not_hold_up_another(hooks: HookLive) -> None:
    slow, fast = hooks.path(), hooks.path()
    hooks.receiver.answer(slow, Answer(204, delay=0.9), Answer(204, delay=0.9))
    with subscribed(hooks, slow), subscribed(hooks, fast), hooks.client() as client:
        client.post("/api/9999/associates", json={"name": "S1"})
        client.post("/api/9999/associates", json={"name": "S2"})
        started = time.monotonic()
        hooks.receiver.wait_for(fast, 2)
        fast_done = time.monotonic() - started
        hooks.receiver.wait_for(slow, 2)
    assert fast_done < 0.9


def test_ping_and_secret_rotation(hooks: HookLive) -> None:
    path = hooks.path()
    with subscribed(hooks, path) as sub, hooks.client() as client:
        ping = client.post(f"/api/webhooks/{sub['id']}/ping")
        assert ping.status_code == 202
        first = hooks.receiver.wait_for(path, 1)[0]
        assert verified(sub["secret"], first)["type"] == "webhook.ping"
        rotated = client.post(f"/api/webhooks/{sub['id']}/rotate-secret", json={})
        assert rotated.status_code == 200
        new_secret = rotated.json()["secret"]
        assert new_secret != sub["secret"]
        assert rotated.json()["previousSecretValidUntil"]
        client.post(f"/api/webhooks/{sub['id']}/ping")
        second = hooks.receiver.wait_for(path, 2)[1]
        assert len(second.headers["webhook-signature"].split(" ")) == 2
        verified(new_secret, second)
        verified(sub["secret"], second)  # still valid during the grace period
        ended = client.post(f"/api/webhooks/{sub['id']}/rotate-secret", json={"graceSeconds": 0})
        newest = ended.json()["secret"]
        client.post(f"/api/webhooks/{sub['id']}/ping")
        third = hooks.receiver.wait_for(path, 3)[2]
    assert len(third.headers["webhook-signature"].split(" ")) == 1
    verified(newest, third)


def test_custom_fields_travel_in_the_payload(hooks: HookLive) -> None:
    """A field added at run time is in the events of whichever process sends them (on
    PostgreSQL a separate worker, which learns of it from the registry version)."""
    name = f"hookTier{uuid.uuid4().hex[:6]}"
    path = hooks.path()
    with hooks.client("admin") as admin:
        added = admin.post(
            "/api/sys/fields",
            json={"entity": "associates", "name": name, "type": "string", "length": 10},
        )
        assert added.status_code == 201, added.text
        try:
            time.sleep(1.0)  # processes look for a new registry version every 0.5 s
            with subscribed(hooks, path, companies=[9999]) as sub, hooks.client() as client:
                made = client.post("/api/9999/associates", json={"name": "Tier AS", name: "gold"})
                assert made.status_code == 201, made.text
                changed = client.patch(made.headers["location"], json={name: "silver"})
                assert changed.status_code == 200, changed.text
                bodies = [verified(sub["secret"], r) for r in hooks.receiver.wait_for(path, 2)]
        finally:
            admin.delete(f"/api/sys/fields/associates/{name}")
    assert [b["type"] for b in bodies] == ["associates.created", "associates.updated"]
    assert bodies[0]["data"]["entity"][name] == "gold"
    assert bodies[1]["data"]["entity"][name] == "silver"
