"""The OAuth 2.0 server: each grant, each refusal, revocation, introspection and metadata."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from conftest import Live
from feature.helpers import assert_problem
from feature.oauth_helpers import (
    localhost_receiver,
    query_of,
    register_client,
    sign_in_and_consent,
)
from feature.test_tokens import bearer, password_token
from ledgerport.auth.tokens import TokenRecord, new_secret, secret_hash, store_token
from ledgerport.store.database import Database


def authorize_url(
    live: Live, client_id: str, redirect_uri: str, verifier: str, **extra: str
) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "read write",
        "state": "st-123",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    return str(httpx.URL(f"{live.url}/api/oauth/authorize", params=params))


def oauth_error(response: httpx.Response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == error


@pytest.fixture(scope="module")
def public_app(live: Live) -> dict[str, object]:
    return register_client(
        live,
        public=True,
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=["http://localhost:8765/callback", "http://127.0.0.1:8765/callback"],
    )


@pytest.fixture(scope="module")
def service_app(live: Live) -> dict[str, object]:
    return register_client(live, grantTypes=["client_credentials"], scopes=["read"])


def get_code(live: Live, app: dict[str, object], verifier: str) -> str:
    url = authorize_url(live, str(app["clientId"]), "http://localhost:8765/callback", verifier)
    redirect = sign_in_and_consent(live, url)
    assert redirect.status_code == 302, redirect.text
    location = redirect.headers["location"]
    assert location.startswith("http://localhost:8765/callback?")
    query = query_of(location)
    assert query["state"] == "st-123"
    return query["code"]


def exchange(
    live: Live, app: dict[str, object], code: str, verifier: str, **extra: str
) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://localhost:8765/callback",
        "client_id": str(app["clientId"]),
        "code_verifier": verifier,
        **extra,
    }
    with live.client(None) as client:
        return client.post("/api/oauth/token", data=data)


def test_authlib_client_completes_code_flow_with_pkce(live: Live) -> None:
    with localhost_receiver() as receiver:
        app = register_client(
            live, public=True, grantTypes=["authorization_code"], redirectUris=[receiver.url]
        )
        verifier = generate_token(48)
        client = OAuth2Client(
            client_id=app["clientId"],
            redirect_uri=receiver.url,
            scope="read",
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
            verify=live.ssl_context(),
        )
        url, state = client.create_authorization_url(
            f"{live.url}/api/oauth/authorize", code_verifier=verifier
        )
        redirect = sign_in_and_consent(live, url)
        with httpx.Client() as browser:  # follows the redirect to the localhost receiver
            assert browser.get(redirect.headers["location"]).status_code == 200
        assert len(receiver.received) == 1
        callback = receiver.url.rsplit("/", 1)[0] + receiver.received[0]
        token = client.fetch_token(
            f"{live.url}/api/oauth/token", authorization_response=callback, code_verifier=verifier
        )
        client.close()
    assert query_of(callback)["state"] == state
    assert token["token_type"] == "bearer"
    assert token["scope"] == "read"
    with bearer(live, token["access_token"]) as api:
        assert api.get("/api/9999/associates").status_code == 200
        assert_problem(api.post("/api/9999/associates", json={"name": "x"}), 403, "LP302")


def test_code_flow_refresh_rotates(live: Live, public_app: dict[str, object]) -> None:
    verifier = generate_token(48)
    tokens = exchange(live, public_app, get_code(live, public_app, verifier), verifier).json()
    assert tokens["scope"] == "read write"
    assert tokens["expires_in"] == 3600
    first = tokens["refresh_token"]
    data = {
        "grant_type": "refresh_token",
        "refresh_token": first,
        "client_id": public_app["clientId"],
    }
    with live.client(None) as client:
        renewed = client.post("/api/oauth/token", data=data)
        assert renewed.status_code == 200, renewed.text
        second = renewed.json()
        assert second["refresh_token"] != first
        oauth_error(client.post("/api/oauth/token", data=data), "invalid_grant")
    with bearer(live, tokens["access_token"]) as old:
        assert_problem(old.get("/api/9999/associates"), 401, "LP301")
    with bearer(live, second["access_token"]) as new:
        assert new.get("/api/9999/associates").status_code == 200


def test_a_code_works_once(live: Live, public_app: dict[str, object]) -> None:
    verifier = generate_token(48)
    code = get_code(live, public_app, verifier)
    assert exchange(live, public_app, code, verifier).status_code == 200
    oauth_error(exchange(live, public_app, code, verifier), "invalid_grant")


def test_a_bad_pkce_verifier_is_refused(live: Live, public_app: dict[str, object]) -> None:
    verifier = generate_token(48)
    code = get_code(live, public_app, verifier)
    oauth_error(exchange(live, public_app, code, generate_token(48)), "invalid_grant")


def test_a_different_redirect_uri_at_the_token_endpoint_is_refused(
    live: Live, public_app: dict[str, object]
) -> None:
    verifier = generate_token(48)
    code = get_code(live, public_app, verifier)
    wrong = exchange(
        live, public_app, code, verifier, redirect_uri="http://127.0.0.1:8765/callback"
    )
    oauth_error(wrong, "invalid_grant")


def test_an_unregistered_redirect_uri_is_never_redirected_to(
    live: Live, public_app: dict[str, object]
) -> None:
    url = authorize_url(
        live, str(public_app["clientId"]), "http://localhost:9999/evil", generate_token(48)
    )
    with httpx.Client(verify=live.ssl_context()) as browser:
        page = browser.get(url)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "redirect" in page.text.lower()


def test_pkce_is_required_of_public_clients(live: Live, public_app: dict[str, object]) -> None:
    url = str(
        httpx.URL(
            f"{live.url}/api/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": public_app["clientId"],
                "redirect_uri": "http://localhost:8765/callback",
                "state": "s",
            },
        )
    )
    with httpx.Client(verify=live.ssl_context()) as browser:
        answer = browser.get(url)
    assert answer.status_code == 302
    query = query_of(answer.headers["location"])
    assert query["error"] == "invalid_request"
    assert query["state"] == "s"


def test_denying_consent_redirects_with_access_denied(
    live: Live, public_app: dict[str, object]
) -> None:
    url = authorize_url(
        live, str(public_app["clientId"]), "http://localhost:8765/callback", generate_token(48)
    )
    redirect = sign_in_and_consent(live, url, decision="deny")
    assert redirect.status_code == 302
    assert query_of(redirect.headers["location"])["error"] == "access_denied"


def test_client_credentials_acts_as_the_owner(live: Live, service_app: dict[str, object]) -> None:
    auth = (str(service_app["clientId"]), str(service_app["clientSecret"]))
    with live.client(None) as client:
        response = client.post(
            "/api/oauth/token", data={"grant_type": "client_credentials"}, auth=auth
        )
        assert response.status_code == 200, response.text
        token = response.json()
        assert "refresh_token" not in token
        assert token["scope"] == "read"
        wrong = client.post(
            "/api/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(str(service_app["clientId"]), "lps_wrong"),
        )
        oauth_error(wrong, "invalid_client", 401)
        password = client.post(
            "/api/oauth/token",
            data={"grant_type": "password", "username": "alice", "password": "alice-pw-1"},
            auth=auth,
        )
        oauth_error(password, "unauthorized_client")
    with bearer(live, token["access_token"]) as api:
        assert api.get("/api/9999/associates").status_code == 200  # alice's company
        assert_problem(api.get("/api/1000/associates"), 403, "LP303")


def test_unsupported_and_malformed_token_requests(live: Live) -> None:
    with live.client(None) as client:
        oauth_error(
            client.post("/api/oauth/token", data={"grant_type": "magic"}), "unsupported_grant_type"
        )
        oauth_error(
            client.post("/api/oauth/token", json={"grant_type": "password"}), "invalid_request"
        )
        oauth_error(
            client.post("/api/oauth/token", data={"grant_type": "password", "username": "alice"}),
            "invalid_request",
        )
        scope = client.post(
            "/api/oauth/token",
            data={
                "grant_type": "password",
                "username": "alice",
                "password": "alice-pw-1",
                "scope": "everything",
            },
        )
        oauth_error(scope, "invalid_scope")


async def _insert_token(url: str, record: TokenRecord) -> None:
    database = Database.connect(url)
    try:
        async with database.write() as conn:
            await store_token(conn, record)
    finally:
        await database.dispose()


def test_an_expired_token_is_refused(live: Live) -> None:
    value = new_secret("lpat_")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    record = TokenRecord(
        access_hash=secret_hash(value),
        refresh_hash=None,
        client_id="ledgerport-public",
        username="alice",
        scopes=("read",),
        grant_type="password",
        issued_at=past,
        expires_at=past + dt.timedelta(seconds=7200),
        refresh_expires_at=None,
    )
    asyncio.run(_insert_token(live.settings.database_url, record))
    with bearer(live, value) as api:
        response = api.get("/api/9999/associates")
    assert_problem(response, 401, "LP301")
    assert "expired" in response.json()["detail"]


def test_introspection_and_revocation(live: Live, service_app: dict[str, object]) -> None:
    auth = (str(service_app["clientId"]), str(service_app["clientSecret"]))
    with live.client(None) as client:
        token = client.post(
            "/api/oauth/token", data={"grant_type": "client_credentials"}, auth=auth
        ).json()["access_token"]
        active = client.post("/api/oauth/introspect", data={"token": token}, auth=auth).json()
        assert active["active"] is True
        assert active["username"] == "alice"
        assert active["scope"] == "read"
        refused = client.post("/api/oauth/introspect", data={"token": token})
        oauth_error(refused, "invalid_client", 401)
        assert client.post("/api/oauth/revoke", data={"token": token}, auth=auth).status_code == 200
        gone = client.post("/api/oauth/introspect", data={"token": token}, auth=auth).json()
        assert gone == {"active": False}
        other = password_token(live, "bob")["access_token"]
        hidden = client.post("/api/oauth/introspect", data={"token": other}, auth=auth).json()
        assert hidden == {"active": False}


def test_metadata_document(live: Live) -> None:
    with live.client(None) as client:
        document = client.get("/.well-known/oauth-authorization-server").json()
    assert document["issuer"] == live.url
    assert document["token_endpoint"] == f"{live.url}/api/oauth/token"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "password" in document["grant_types_supported"]
