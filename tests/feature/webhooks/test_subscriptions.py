"""/api/webhooks: who may subscribe to what, and clear 4xx answers for bad input."""

from __future__ import annotations

from feature.helpers import assert_problem, error_fields
from feature.webhooks.helpers import subscribed
from feature.webhooks.support import HookLive


def test_crud_shows_the_secret_only_once(hooks: HookLive) -> None:
    path = hooks.path()
    with subscribed(hooks, path, description="mine") as sub, hooks.client() as client:
        assert sub["enabled"] is True
        assert sub["companies"] is None
        got = client.get(f"/api/webhooks/{sub['id']}")
        assert got.status_code == 200
        assert "secret" not in got.json()
        listed = client.get("/api/webhooks").json()["value"]
        assert [s["id"] for s in listed if s["id"] == sub["id"]] == [sub["id"]]
        assert all("secret" not in s for s in listed)
        patched = client.patch(
            f"/api/webhooks/{sub['id']}", json={"enabled": False, "events": ["orders.*"]}
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["enabled"] is False
        assert patched.json()["events"] == ["orders.*"]
        assert patched.json()["description"] == "mine"
    with hooks.client() as client:
        assert_problem(client.get(f"/api/webhooks/{sub['id']}"), 404, "LP202")


def test_users_only_see_their_own(hooks: HookLive) -> None:
    with (
        subscribed(hooks, hooks.path(), user="bob", companies=[1000]) as sub,
        hooks.client("alice") as alice,
    ):
        assert_problem(alice.get(f"/api/webhooks/{sub['id']}"), 404, "LP202")
        assert_problem(alice.delete(f"/api/webhooks/{sub['id']}"), 404, "LP202")
        assert_problem(
            alice.patch(f"/api/webhooks/{sub['id']}", json={"enabled": False}), 404, "LP202"
        )
        assert_problem(alice.get(f"/api/webhooks/{sub['id']}/deliveries"), 404, "LP202")
        assert_problem(alice.post(f"/api/webhooks/{sub['id']}/ping"), 404, "LP202")
        ids = [s["id"] for s in alice.get("/api/webhooks").json()["value"]]
        assert sub["id"] not in ids


def test_another_companys_subscription_is_refused(hooks: HookLive) -> None:
    with hooks.client("alice") as client:
        response = client.post(
            "/api/webhooks",
            json={"url": hooks.receiver.url("/x"), "events": ["*"], "companies": [1000]},
        )
        assert_problem(response, 403, "LP303")
        assert not [
            s for s in client.get("/api/webhooks").json()["value"] if s["url"].endswith("/x")
        ]


def test_the_webhooks_scope_is_needed(hooks: HookLive) -> None:
    with hooks.client("nohooks") as client:
        assert_problem(client.get("/api/webhooks"), 403, "LP302")
        response = client.post(
            "/api/webhooks", json={"url": hooks.receiver.url("/x"), "events": ["*"]}
        )
        assert_problem(response, 403, "LP302")
    with hooks.live.client(None) as anonymous:
        assert_problem(anonymous.get("/api/webhooks"), 401, "LP301")


def test_bad_subscriptions_name_each_field(hooks: HookLive) -> None:
    with hooks.client() as client:
        response = client.post(
            "/api/webhooks",
            json={
                "url": "ftp://example.com/x",
                "events": ["nosuchthing.*", "associates.created", 7],
                "companies": "9999",
                "filter": {"city": {"nested": 1}},
                "bogus": True,
            },
        )
        body = assert_problem(response, 400, "LP203")
        assert error_fields(body) == {
            "url",
            "events[0]",
            "events[2]",
            "companies",
            "filter.city",
            "bogus",
        }
        assert_problem(client.post("/api/webhooks", json={}), 400, "LP203")
        assert_problem(
            client.post(
                "/api/webhooks", content=b"{", headers={"content-type": "application/json"}
            ),
            400,
            "LP101",
        )
        assert_problem(client.get("/api/webhooks/abc"), 400, "LP104")
        assert_problem(client.get("/api/webhooks/999999"), 404, "LP202")
        with subscribed(hooks, hooks.path()) as sub:
            assert_problem(
                client.get(f"/api/webhooks/{sub['id']}/deliveries?status=lost"), 400, "LP105"
            )
            assert_problem(
                client.post(f"/api/webhooks/{sub['id']}/rotate-secret", json={"graceSeconds": -1}),
                400,
                "LP203",
            )
            assert_problem(
                client.patch(f"/api/webhooks/{sub['id']}", json={"url": "https://user:pw@x.io/"}),
                400,
                "LP203",
            )
            assert_problem(
                client.post(f"/api/webhooks/{sub['id']}/deliveries/12345678/replay"),
                404,
                "LP202",
            )
            unchanged = client.get(f"/api/webhooks/{sub['id']}").json()
            assert unchanged["url"] == sub["url"]
