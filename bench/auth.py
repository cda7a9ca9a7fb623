"""How the benchmark authenticates: a Bearer token for an OAuth client, as integrations do.

A confidential client of the ``bench`` user is registered with ``ledgerport clients add``
before the server starts; its token comes from the client-credentials grant, once per run.
ledgerport looks tokens up by their hash and remembers them for a few seconds, and client
secrets (random, 256 bits) are checked by their SHA-256, so no request pays for argon2.

The password grant is used once, after the scenarios, to show what a password login (one
argon2id verification) adds to the server's peak memory.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["PASSWORD", "USER", "Client", "authorization", "password_login", "register_client"]

USER = "bench"
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user of a throwaway database


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str


def register_client(ledgerport: Path, config: Path) -> Client:
    """``ledgerport clients add`` for the bench user, its id and secret read off the output."""
    command = [str(ledgerport), "clients", "add", "bench", "--owner", USER, "--config", str(config)]
    command += ["--grant", "client_credentials"]
    shown = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = dict(re.findall(r"^(client_id|client_secret):\s+(\S+)$", shown, re.MULTILINE))
    return Client(found["client_id"], found["client_secret"])


def authorization(base_url: str, client: Client) -> str:
    """The ``Authorization`` header value every benchmark request sends."""
    answer = httpx.post(
        f"{base_url}/api/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.secret),
        timeout=60,
    )
    answer.raise_for_status()
    return f"Bearer {answer.json()['access_token']}"


def password_login(base_url: str) -> None:
    """One password-grant token: the server verifies the password with argon2id."""
    answer = httpx.post(
        f"{base_url}/api/oauth/token",
        data={"grant_type": "password", "username": USER, "password": PASSWORD},
        timeout=60,
    )
    answer.raise_for_status()
