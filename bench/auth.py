"""How the benchmark authenticates: a Bearer token from the password grant, as integrators do.

One token per run, fetched from ``/api/oauth/token``; ledgerport looks tokens up by their
hash and remembers them for a few seconds, so no request pays for argon2.
"""

from __future__ import annotations

import httpx

__all__ = ["PASSWORD", "USER", "authorization"]

USER = "bench"
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user of a throwaway database


def authorization(base_url: str) -> str:
    """The ``Authorization`` header value every benchmark request sends."""
    answer = httpx.post(
        f"{base_url}/api/oauth/token",
        data={"grant_type": "password", "username": USER, "password": PASSWORD},
        timeout=60,
    )
    answer.raise_for_status()
    return f"Bearer {answer.json()['access_token']}"
