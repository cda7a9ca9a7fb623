"""Tokens are shared by every server process through the database, and so is revocation."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from conftest import Live, ServerThread
from feature.test_tokens import password_token
from ledgerport.tls import ensure_self_signed


@pytest.fixture
def second(live: Live) -> Iterator[Live]:
    """Another server (its own engine, caches and OAuth server) on the same database."""
    cert, key = ensure_self_signed(live.cert.parent)  # the same files, already made
    server = ServerThread(live.settings, live.config_path, cert, key)
    server.start()
    yield Live(
        live.backend, f"https://localhost:{server.port}", live.settings, live.cert, live.config_path
    )
    server.stop()


def test_a_token_from_one_process_works_in_another_until_revoked(live: Live, second: Live) -> None:
    token = password_token(live, "alice")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=second.url, verify=second.ssl_context(), headers=headers) as other:
        assert other.get("/api/9999/associates").status_code == 200
        with live.client(None) as first:
            assert first.post("/api/oauth/revoke", data={"token": token}).status_code == 200
        deadline = time.monotonic() + 10  # the other process's cache holds a token 5 s
        while other.get("/api/9999/associates").status_code == 200:
            assert time.monotonic() < deadline, "the revocation never reached the other process"
            time.sleep(0.5)
        assert other.get("/api/9999/associates").status_code == 401
