"""Shared fixtures: a fresh database per backend and test run, and a live HTTPS server on it.

Feature tests get ``live``: the real app under uvicorn with TLS on 127.0.0.1, backed by a
SQLite file or a freshly created PostgreSQL database (parametrised). PostgreSQL tests skip
with a reason when no server is reachable, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from ledgerport.app import create_app
from ledgerport.auth.passwords import hash_password
from ledgerport.config import Settings, load_settings
from ledgerport.model import builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database
from ledgerport.store.migrate import migrate
from ledgerport.tls import ensure_self_signed

PG_CANDIDATES = (
    os.environ.get("LEDGERPORT_TEST_PG", ""),
    "postgresql://root@127.0.0.1:5432/postgres",
    "postgresql://postgres@127.0.0.1:5432/postgres",
)

PASSWORDS = {"alice": "alice-pw-1", "bob": "bob-pw-2", "admin": "admin-pw-3", "nobasic": "nb-pw-4"}
PASSWORDS["series"] = "series-pw-5"
SERIES_USER_INTERVAL = (700_000, 700_004)
"""The ``series`` user's own interval of associates.customerNo in company 9999."""
SERIES_INTERVAL_TOML = (
    f'{{ field = "associates.customerNo", from = {SERIES_USER_INTERVAL[0]}, '
    f"to = {SERIES_USER_INTERVAL[1]} }}"
)


def _pg_reachable(url: str) -> bool:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """A PostgreSQL URL with rights to create databases, or a skip (a failure under CI)."""
    for url in PG_CANDIDATES:
        if url and _pg_reachable(url):
            return url
    message = "no PostgreSQL reachable on 127.0.0.1:5432 (users root/postgres, trust auth)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs PostgreSQL: {message}")
    pytest.skip(message)


def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    async def execute() -> None:
        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(execute())


@contextlib.contextmanager
def new_pg_database(pg_admin_url: str) -> Iterator[str]:
    """A freshly created database, dropped afterwards."""
    name = f"ledgerport_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(pg_admin_url, f'CREATE DATABASE "{name}"')
    base = pg_admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        _pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def fresh_pg_url(pg_admin_url: str) -> Iterator[str]:
    """A database of its own for this test run (the shared servers'), dropped afterwards."""
    with new_pg_database(pg_admin_url) as url:
        yield url


def database_url(backend: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'ledgerport.db'}"
    url = request.getfixturevalue("fresh_pg_url")
    assert isinstance(url, str)
    return url


def user_table(password_hashes: dict[str, str]) -> str:
    return f"""
[[users]]
username = "alice"
password_hash = "{password_hashes["alice"]}"
context_user = "ALICE"
companies = [{{ company_no = 9999, number_series = [] }}]

[[users]]
username = "bob"
password_hash = "{password_hashes["bob"]}"
companies = [{{ company_no = 1000 }}]

[[users]]
username = "admin"
password_hash = "{password_hashes["admin"]}"
allow_sys = true
allow_catalog = true
scopes = ["read", "write", "webhooks", "admin"]
companies = [{{ company_no = 9999 }}, {{ company_no = 1000 }}, {{ company_no = 5555 }}]

[[users]]
username = "nobasic"
password_hash = "{password_hashes["nobasic"]}"
allow_basic = false
companies = [{{ company_no = 9999 }}]

[[users]]
username = "series"
password_hash = "{password_hashes["series"]}"
companies = [{{ company_no = 9999, number_series = [{SERIES_INTERVAL_TOML}] }}]
"""


@pytest.fixture(scope="session")
def password_hashes() -> dict[str, str]:
    return {name: hash_password(pw) for name, pw in PASSWORDS.items()}


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass(frozen=True)
class Live:
    """A running ledgerport: its URL, settings, certificate and database."""

    backend: str
    url: str
    settings: Settings
    cert: Path
    config_path: Path

    def client(self, user: str | None = "alice", **kw: object) -> httpx.Client:
        auth = (user, PASSWORDS[user]) if user else None
        return httpx.Client(
            base_url=self.url,
            verify=self.ssl_context(),
            auth=auth,
            timeout=30,
            **kw,  # type: ignore[arg-type]
        )

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts exactly the server's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cert))


class ServerThread:
    """uvicorn in a thread, serving HTTPS on a socket bound before it starts."""

    def __init__(self, settings: Settings, config_path: Path, cert: Path, key: Path) -> None:
        self.sock = free_socket()
        config = uvicorn.Config(
            create_app(settings, config_path),
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def port(self) -> int:
        port = self.sock.getsockname()[1]
        assert isinstance(port, int)
        return port

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()


async def _migrate(url: str) -> None:
    database = Database.connect(url)
    try:
        await migrate(database, Tables.build(builtin_registry()))
    finally:
        await database.dispose()


BASE_DATA: list[tuple[str, dict[str, object]]] = [
    ("/api/sys/currencies", {"currencyCode": "NOK", "name": "Norwegian krone"}),
    ("/api/sys/currencies", {"currencyCode": "EUR", "name": "Euro"}),
    ("/api/sys/countries", {"countryCode": "NO", "name": "Norway", "currencyCode": "NOK"}),
    ("/api/sys/companies", {"companyNo": 9999, "name": "Test 9999 AS", "currencyCode": "NOK"}),
    ("/api/sys/companies", {"companyNo": 1000, "name": "Test 1000 AS", "currencyCode": "NOK"}),
]


def start_live(backend: str, tmp: Path, config: str) -> tuple[Live, ServerThread]:
    """A migrated database, a running HTTPS server on it, and the base data of every test."""
    config_path = tmp / "ledgerport.toml"
    config_path.write_text(config, encoding="utf-8")
    settings = load_settings(config_path, environ={})
    asyncio.run(_migrate(settings.database_url))
    cert, key = ensure_self_signed(tmp / "tls")
    server = ServerThread(settings, config_path, cert, key)
    server.start()
    live = Live(backend, f"https://localhost:{server.port}", settings, cert, config_path)
    with live.client("admin") as admin:
        for path, body in BASE_DATA:
            response = admin.post(path, json=body)
            assert response.status_code == 201, response.text
    return live, server


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    password_hashes: dict[str, str],
) -> Iterator[Live]:
    backend = str(request.param)
    tmp = tmp_path_factory.mktemp(backend)
    url = database_url(backend, request, tmp)
    config = (
        f'[database]\nurl = "{url}"\n\n[server]\nmax_body_bytes = 65536\n\n'
        # The whole session shares these users; test_throttling has a server with low limits.
        "[limits]\nrequests_per_minute = 1000000\n\n" + user_table(password_hashes)
    )
    live, server = start_live(backend, tmp, config)
    yield live
    server.stop()
