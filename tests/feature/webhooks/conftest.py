"""Webhook feature tests: a server of their own (tiny retry schedule, 127.0.0.1 allowed).

On SQLite the API process dispatches in-process (the embedded default); on PostgreSQL a
separate ``ledgerport worker`` process does, woken by LISTEN/NOTIFY.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from conftest import PASSWORDS, _pg_admin, start_live, user_table
from feature.webhooks.receiver import start_receiver
from feature.webhooks.support import HookLive, WorkerProcess
from ledgerport.auth.passwords import hash_password

PASSWORDS.setdefault("nohooks", "nh-pw-5")

HOOK_SETTINGS = """
[webhooks]
allow_private_urls = true
allow_http = true
retry_schedule = [0.3, 0.3]
timeout_seconds = 1.0
lease_seconds = 3.0
poll_seconds = 0.2
"""


def _extra_users() -> str:
    return f"""
[[users]]
username = "nohooks"
password_hash = "{hash_password(PASSWORDS["nohooks"])}"
scopes = ["read", "write"]
companies = [{{ company_no = 9999 }}]
"""


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def hooks(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    password_hashes: dict[str, str],
) -> Iterator[HookLive]:
    backend = str(request.param)
    tmp = tmp_path_factory.mktemp(f"hooks-{backend}")
    dropped: list[str] = []
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'ledgerport.db'}"
    else:
        admin = request.getfixturevalue("pg_admin_url")
        name = f"ledgerport_hooks_{uuid.uuid4().hex[:12]}"
        _pg_admin(admin, f'CREATE DATABASE "{name}"')
        dropped.append(name)
        url = f"{admin.rsplit('/', 1)[0]}/{name}"
    live, server = start_live(
        backend,
        tmp,
        f'[database]\nurl = "{url}"\n'
        + HOOK_SETTINGS
        + user_table(password_hashes)
        + _extra_users(),
    )
    worker = None
    if backend == "postgresql":
        worker = WorkerProcess(live.config_path)
        worker.start()
        time.sleep(1.0)
    receiver = start_receiver()
    yield HookLive(live, receiver, worker)
    receiver.server.shutdown()
    receiver.server.server_close()
    if worker is not None:
        worker.stop_all()
    server.stop()
    for name in dropped:
        _pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
