"""Driving the authorization pages over HTTP as a browser would, and a localhost receiver."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

from conftest import PASSWORDS, Live

_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def hidden_fields(page: str) -> dict[str, str]:
    return dict(_HIDDEN.findall(page))


def register_client(live: Live, **body: object) -> dict[str, object]:
    payload = {"name": "Test app", "owner": "alice", "scopes": ["read", "write"], **body}
    with live.client("admin") as admin:
        response = admin.post("/api/sys/oauthclients", json=payload)
    assert response.status_code == 201, response.text
    created = response.json()
    assert isinstance(created, dict)
    return created


def sign_in_and_consent(
    live: Live, authorize_url: str, user: str = "alice", decision: str = "allow"
) -> httpx.Response:
    """Open the authorization URL, sign in, answer the consent page; the final redirect."""
    with httpx.Client(verify=live.ssl_context(), timeout=30) as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text
        form = hidden_fields(page.text)
        login = browser.post(
            authorize_url,
            data={**form, "username": user, "password": PASSWORDS[user]},
        )
        assert login.status_code == 200, login.text
        consent = hidden_fields(login.text)
        assert consent["step"] == "consent"
        return browser.post(authorize_url, data={**consent, "decision": decision})


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@dataclass
class Receiver:
    """A redirect URI on 127.0.0.1 that remembers the queries it received."""

    url: str
    received: list[str] = field(default_factory=list)


@contextmanager
def localhost_receiver() -> Iterator[Receiver]:
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"You can close this window.")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://localhost:{server.server_address[1]}/callback", received)
    finally:
        server.shutdown()
        server.server_close()
