"""The SSRF guard: refused addresses never get a connection, checked when connecting."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ledgerport.events.guard import guarded_client
from ledgerport.events.targets import AddressPolicy, UnsafeTarget, url_error

STRICT = AddressPolicy()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.com/hook", "https"),
        ("ftp://example.com/hook", "https"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://0.0.0.0/hook", "refused"),
        ("https://user:pw@example.com/hook", "user name"),
        ("https:///hook", "host"),
    ],
)
def test_refused_urls(url: str, problem: str) -> None:
    error = url_error(url, STRICT)
    assert error is not None
    assert problem in error


def test_public_https_and_allowed_private() -> None:
    assert url_error("https://hooks.example.com/x", STRICT) is None
    assert url_error("http://127.0.0.1:8080/x", AddressPolicy(True, True)) is None


class _Handler(BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> object:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_name_resolving_to_loopback_is_refused_at_connect(local_server: HTTPServer) -> None:
    port = local_server.server_address[1]
    _Handler.hits = 0

    async def send(policy: AddressPolicy) -> int:
        async with guarded_client(policy, 2.0) as client:
            response = await client.post(f"http://localhost:{port}/x", content=b"{}")
            return response.status_code

    # The URL passes the literal check (a name), but the resolved address is loopback.
    with pytest.raises(UnsafeTarget, match="loopback"):
        asyncio.run(send(AddressPolicy(allow_private=False, allow_http=True)))
    assert _Handler.hits == 0
    assert asyncio.run(send(AddressPolicy(allow_private=True, allow_http=True))) == 204
    assert _Handler.hits == 1


def test_redirects_are_not_followed(local_server: HTTPServer) -> None:
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header("location", "http://169.254.169.254/")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    local_server.RequestHandlerClass = Redirect
    port = local_server.server_address[1]

    async def send() -> int:
        async with guarded_client(AddressPolicy(True, True), 2.0) as client:
            return (await client.post(f"http://127.0.0.1:{port}/x")).status_code

    assert asyncio.run(send()) == 307
