"""API users in the database, managed through /api/sys/apiusers with the admin scope."""

from __future__ import annotations

import itertools

from conftest import Live
from feature.helpers import assert_problem, error_fields

_names = itertools.count(1)


def new_name() -> str:
    return f"user{next(_names)}"


def test_admin_creates_a_user_who_can_then_log_in(live: Live) -> None:
    name = new_name()
    with live.client("admin") as admin:
        created = admin.post(
            "/api/sys/apiusers",
            json={
                "username": name,
                "password": "long-enough-pw",
                "scopes": ["read"],
                "contextUser": "CTX",
                "companies": [{"companyNo": 1000}],
            },
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["source"] == "database"
        assert "passwordHash" not in body
        assert "password" not in body
        assert "argon2" not in created.text
        listed = admin.get("/api/sys/apiusers")
        assert listed.status_code == 200
        assert "argon2" not in listed.text
        names = {u["username"]: u["source"] for u in listed.json()["value"]}
        assert names[name] == "database"
        assert names["alice"] == "config"
    with live.client(None) as client:
        auth = (name, "long-enough-pw")
        assert client.get("/api/1000/associates", auth=auth).status_code == 200
        assert_problem(client.get("/api/9999/associates", auth=auth), 403, "LP303")
        refused = client.post("/api/1000/associates", json={"name": "x"}, auth=auth)
        assert_problem(refused, 403, "LP302")


def test_a_disabled_user_is_refused(live: Live) -> None:
    name = new_name()
    with live.client("admin") as admin:
        admin.post(
            "/api/sys/apiusers",
            json={
                "username": name,
                "password": "long-enough-pw",
                "companies": [{"companyNo": 1000}],
            },
        ).raise_for_status()
        changed = admin.patch(f"/api/sys/apiusers/{name}", json={"disabled": True})
        assert changed.status_code == 200, changed.text
        assert changed.json()["disabled"] is True
    with live.client(None) as client:
        response = client.get("/api/1000/associates", auth=(name, "long-enough-pw"))
    assert_problem(response, 401, "LP301")


def test_bad_users_are_refused_with_the_field(live: Live) -> None:
    with live.client("admin") as admin:
        short = admin.post("/api/sys/apiusers", json={"username": new_name(), "password": "x"})
        assert "password" in error_fields(assert_problem(short, 400, "LP203"))
        scope = admin.post(
            "/api/sys/apiusers",
            json={"username": new_name(), "password": "long-enough-pw", "scopes": ["root"]},
        )
        assert "scopes" in error_fields(assert_problem(scope, 400, "LP203"))
        unknown = admin.post("/api/sys/apiusers", json={"username": "z", "pasword": "y"})
        assert_problem(unknown, 400, "LP203")
        taken = admin.post("/api/sys/apiusers", json={"username": "alice", "password": "12345678"})
        assert_problem(taken, 409, "LP401")
        config_user = admin.patch("/api/sys/apiusers/alice", json={"disabled": True})
        assert_problem(config_user, 409, "LP406")
        assert_problem(admin.get("/api/sys/apiusers/nobody"), 404, "LP202")


def test_only_admins_with_sys_manage_users(live: Live) -> None:
    with live.client("alice") as alice:
        assert_problem(alice.get("/api/sys/apiusers"), 403, "LP302")
        refused = alice.post("/api/sys/apiusers", json={"username": "x", "password": "12345678"})
        assert_problem(refused, 403, "LP302")
    with live.client(None) as anonymous:
        assert_problem(anonymous.get("/api/sys/apiusers"), 401, "LP301")


def test_a_removed_user_and_its_token_stop_working(live: Live) -> None:
    name = new_name()
    with live.client("admin") as admin:
        admin.post(
            "/api/sys/apiusers",
            json={
                "username": name,
                "password": "long-enough-pw",
                "companies": [{"companyNo": 1000}],
            },
        ).raise_for_status()
    with live.client(None) as client:
        token = client.post(
            "/api/oauth/token",
            data={"grant_type": "password", "username": name, "password": "long-enough-pw"},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/1000/associates", headers=headers).status_code == 200
    with live.client("admin") as admin:
        assert admin.delete(f"/api/sys/apiusers/{name}").status_code == 204
        assert_problem(admin.get(f"/api/sys/apiusers/{name}"), 404, "LP202")
        assert_problem(admin.delete(f"/api/sys/apiusers/{name}"), 404, "LP202")
    with live.client(None) as client:
        assert_problem(client.get("/api/1000/associates", headers=headers), 401, "LP301")


def test_oauth_clients_through_the_api(live: Live) -> None:
    with live.client("admin") as admin:
        created = admin.post(
            "/api/sys/oauthclients",
            json={"name": "Nightly sync", "owner": "bob", "grantTypes": ["client_credentials"]},
        )
        assert created.status_code == 201, created.text
        client = created.json()
        assert client["clientSecret"].startswith("lps_")
        assert created.headers["cache-control"] == "no-store"
        path = f"/api/sys/oauthclients/{client['clientId']}"
        shown = admin.get(path).json()
        assert "clientSecret" not in shown
        assert shown["owner"] == "bob"
        assert client["clientSecret"] not in admin.get("/api/sys/oauthclients").text
        bad = admin.post(
            "/api/sys/oauthclients",
            json={"name": "x", "owner": "nobody", "grantTypes": ["client_credentials"]},
        )
        assert "owner" in error_fields(assert_problem(bad, 400, "LP203"))
        public_cc = admin.post(
            "/api/sys/oauthclients",
            json={
                "name": "x",
                "owner": "bob",
                "grantTypes": ["client_credentials"],
                "public": True,
            },
        )
        assert "grantTypes" in error_fields(assert_problem(public_cc, 400, "LP203"))
        assert admin.delete(path).status_code == 204
        assert_problem(admin.get(path), 404, "LP202")
        assert_problem(admin.get("/api/sys/oauthclients/swagger-ui"), 404, "LP202")
    with live.client(None) as anonymous:
        token = anonymous.post(
            "/api/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client["clientId"], client["clientSecret"]),
        )
    assert token.status_code == 401
    assert token.json()["error"] == "invalid_client"
