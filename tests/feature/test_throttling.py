"""Failed logins slowed then locked out per (user, address); request rate limits with 429;
and, on the same server with its own settings, token and code lifetimes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import (
    PASSWORDS,
    Live,
    ServerThread,
    _migrate,
    database_url,
    new_pg_database,
    user_table,
)
from feature.helpers import assert_problem
from ledgerport.auth.throttle import DatabaseCounters, RateLimiter
from ledgerport.config import load_settings
from ledgerport.errors import RateLimited
from ledgerport.store.database import Database
from ledgerport.tls import ensure_self_signed

LIMITS = """
[limits]
requests_per_minute = 40
login_failures_before_lockout = 3
lockout_seconds = 60

[tokens]
password_ttl = 0
code_ttl = 1
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def limited(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    password_hashes: dict[str, str],
) -> Iterator[Live]:
    """A server of its own with low limits (the shared one must not be slowed down)."""
    backend = str(request.param)
    tmp = tmp_path_factory.mktemp(f"limited-{backend}")
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            url = database_url(backend, request, tmp)
        else:
            # Not the shared servers' database: their users' requests would count here.
            admin_url = request.getfixturevalue("pg_admin_url")
            url = stack.enter_context(new_pg_database(admin_url))
        yield from _limited_server(backend, url, tmp, password_hashes)


def _limited_server(
    backend: str, url: str, tmp: Path, password_hashes: dict[str, str]
) -> Iterator[Live]:
    config_path = tmp / "ledgerport.toml"
    config_path.write_text(
        f'[database]\nurl = "{url}"\n' + LIMITS + user_table(password_hashes), encoding="utf-8"
    )
    settings = load_settings(config_path, environ={})
    asyncio.run(_migrate(settings.database_url))
    cert, key = ensure_self_signed(tmp / "tls")
    server = ServerThread(settings, config_path, cert, key)
    server.start()
    yield Live(backend, f"https://localhost:{server.port}", settings, cert, config_path)
    server.stop()


def from_address(live: Live, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(verify=live.ssl_context(), local_address=address)
    return httpx.Client(base_url=live.url, transport=transport, timeout=30)


def test_failed_logins_are_slowed_then_locked_out_per_user_and_address(limited: Live) -> None:
    with from_address(limited, "127.0.0.3") as mallory:  # no other test logs in from here
        started = time.monotonic()
        for _ in range(3):
            wrong = mallory.get("/api/9999/associates", auth=("alice", "guess"))
            assert_problem(wrong, 401, "LP301")
        assert time.monotonic() - started >= 0.25 + 0.5 + 1.0  # slowed: 0.25 s, 0.5 s, 1 s
        locked = mallory.get("/api/9999/associates", auth=("alice", PASSWORDS["alice"]))
        assert_problem(locked, 429, "LP304")
        assert 0 < int(locked.headers["retry-after"]) <= 60
        token = mallory.post(
            "/api/oauth/token",
            data={"grant_type": "password", "username": "alice", "password": PASSWORDS["alice"]},
        )
        assert token.status_code == 400
        assert "Too many failed logins" in token.json()["error_description"]
    with from_address(limited, "127.0.0.2") as elsewhere:  # the real alice is not locked out
        fine = elsewhere.get("/api/9999/associates", auth=("alice", PASSWORDS["alice"]))
        assert fine.status_code == 200, fine.text


def test_too_many_requests_answer_429_with_headers(limited: Live) -> None:
    with limited.client("bob") as bob:
        statuses = [bob.get("/api/1000/associates").status_code for _ in range(45)]
        limited_response = bob.get("/api/1000/associates")
    assert statuses[:38] == [200] * 38
    assert 429 in statuses
    body = assert_problem(limited_response, 429, "LP304")
    assert "40 requests a minute" in str(body["detail"])
    headers = limited_response.headers
    assert 0 < int(headers["retry-after"]) <= 60
    assert headers["ratelimit-limit"] == "40"
    assert headers["ratelimit-remaining"] == "0"
    assert headers["ratelimit-reset"] == headers["retry-after"]
    with limited.client("admin") as admin:  # counted per user
        assert admin.get("/api/1000/associates").status_code == 200


def test_the_limit_holds_across_processes_on_postgresql(fresh_pg_url: str) -> None:
    """Two limiters (two processes' worth) sharing the PostgreSQL counts."""

    async def scenario() -> tuple[int, int]:
        settings = load_settings(environ={"LEDGERPORT_DATABASE__URL": fresh_pg_url})
        await _migrate(settings.database_url)
        databases = [Database.connect(fresh_pg_url), Database.connect(fresh_pg_url)]
        limiters = [
            RateLimiter(DatabaseCounters(db), 100, clock=lambda: 6000.0) for db in databases
        ]
        allowed = refused = 0
        for i in range(300):
            try:
                await limiters[i % 2].hit("user:shared")
                allowed += 1
            except RateLimited:
                refused += 1
        for db in databases:
            await db.dispose()
        return allowed, refused

    allowed, refused = asyncio.run(scenario())
    assert allowed == 100
    assert refused == 200


def test_a_password_ttl_of_zero_gives_tokens_that_live_until_revoked(limited: Live) -> None:
    with limited.client(None) as client:
        response = client.post(
            "/api/oauth/token",
            data={"grant_type": "password", "username": "admin", "password": PASSWORDS["admin"]},
        )
        assert response.status_code == 200, response.text
        token = response.json()
        assert "expires_in" not in token
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        assert client.get("/api/1000/associates", headers=headers).status_code == 200
        client.post("/api/oauth/revoke", data={"token": token["access_token"]})
        assert_problem(client.get("/api/1000/associates", headers=headers), 401, "LP301")


def test_an_authorization_code_expires(limited: Live) -> None:
    from authlib.common.security import generate_token

    from feature.oauth_helpers import query_of, register_client, sign_in_and_consent
    from feature.test_oauth import authorize_url

    app = register_client(
        limited,
        owner="admin",
        public=True,
        grantTypes=["authorization_code"],
        redirectUris=["http://localhost:8765/callback"],
    )
    verifier = generate_token(48)
    url = authorize_url(limited, str(app["clientId"]), "http://localhost:8765/callback", verifier)
    redirect = sign_in_and_consent(limited, url, user="admin")
    code = query_of(redirect.headers["location"])["code"]
    time.sleep(1.5)
    with limited.client(None) as client:
        late = client.post(
            "/api/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://localhost:8765/callback",
                "client_id": app["clientId"],
                "code_verifier": verifier,
            },
        )
    assert late.status_code == 400
    assert late.json()["error"] == "invalid_grant"
