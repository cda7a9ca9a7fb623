"""Bearer tokens from the password grant (RedHorn's example), scopes, expiry and revocation."""

from __future__ import annotations

import httpx
import pytest

from conftest import PASSWORDS, Live
from feature.helpers import assert_problem


def password_token(live: Live, user: str, **extra: str) -> dict[str, object]:
    with live.client(None) as client:
        response = client.post(
            "/api/oauth/token",
            data={"username": user, "password": PASSWORDS[user], "grant_type": "password", **extra},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def bearer(live: Live, token: object) -> httpx.Client:
    return httpx.Client(
        base_url=live.url,
        verify=live.ssl_context(),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_password_grant_as_redhorn_sends_it(live: Live) -> None:
    body = password_token(live, "alice")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 7200
    assert str(body["access_token"]).startswith("lpat_")
    with bearer(live, body["access_token"]) as client:
        response = client.get("/api/9999/associates")
        assert response.status_code == 200, response.text
        assert_problem(client.get("/api/1000/associates"), 403, "LP303")


def test_a_user_without_basic_gets_a_token(live: Live) -> None:
    body = password_token(live, "nobasic")
    with bearer(live, body["access_token"]) as client:
        assert client.get("/api/9999/associates").status_code == 200


def test_wrong_password_is_an_oauth_error(live: Live) -> None:
    with live.client(None) as client:
        response = client.post(
            "/api/oauth/token",
            data={"username": "bob", "password": "wrong", "grant_type": "password"},
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "invalid_grant"
    assert response.headers["cache-control"] == "no-store"


def test_token_scopes_limit_what_it_may_do(live: Live) -> None:
    body = password_token(live, "alice", scope="read")
    assert body["scope"] == "read"
    with bearer(live, body["access_token"]) as client:
        assert client.get("/api/9999/associates").status_code == 200
        refused = client.post("/api/9999/associates", json={"name": "No write scope"})
    detail = assert_problem(refused, 403, "LP302")["detail"]
    assert "write" in str(detail)


def test_a_token_never_has_more_scopes_than_its_user(live: Live) -> None:
    body = password_token(live, "alice", scope="read admin")
    assert body["scope"] == "read"
    with bearer(live, body["access_token"]) as client:
        assert_problem(client.get("/api/sys/apiusers"), 403, "LP302")


@pytest.mark.parametrize("token", ["lpat_nonsense", "lpat_" + "A" * 43, "x" * 500])
def test_unknown_tokens_are_refused(live: Live, token: str) -> None:
    with bearer(live, token) as client:
        response = client.get("/api/9999/associates")
    assert_problem(response, 401, "LP301")


def test_a_revoked_token_stops_working(live: Live) -> None:
    body = password_token(live, "alice")
    token = body["access_token"]
    with bearer(live, token) as client:
        assert client.get("/api/9999/associates").status_code == 200
    with live.client(None) as anonymous:
        revoked = anonymous.post("/api/oauth/revoke", data={"token": token})
    assert revoked.status_code == 200, revoked.text
    with bearer(live, token) as client:
        assert_problem(client.get("/api/9999/associates"), 401, "LP301")
