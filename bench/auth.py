"""How the benchmark authenticates: the one place to switch from Basic to Bearer.

Basic is cheap after the first request (ledgerport caches a verified credential for 30 s);
once Bearer tokens exist (issue 3), ``authorization`` fetches one from /api/oauth/token.
"""

from __future__ import annotations

import base64

__all__ = ["PASSWORD", "USER", "authorization"]

USER = "bench"
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user of a throwaway database


def authorization(base_url: str) -> str:
    """The ``Authorization`` header value every benchmark request sends."""
    del base_url
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    return f"Basic {token}"
