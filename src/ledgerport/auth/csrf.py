"""CSRF protection and the signed login ticket of the authorization pages.

Signed double submit: the browser holds a random cookie; each form carries an HMAC of it
under the database's shared ``secret_key`` (so any process can check it). After a login the
consent form carries a ticket naming the user, bound to that cookie and the client, valid
for a few minutes; no server-side session is kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

__all__ = ["COOKIE", "csrf_field", "csrf_ok", "new_cookie", "read_ticket", "sign_ticket"]

COOKIE = "lp_oauth_csrf"
TICKET_SECONDS = 600


def new_cookie() -> str:
    return secrets.token_urlsafe(32)


def _mac(secret_key: str, *parts: str) -> str:
    message = "\x00".join(parts).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def csrf_field(secret_key: str, cookie: str) -> str:
    return _mac(secret_key, "csrf", cookie)


def csrf_ok(secret_key: str, cookie: str | None, field: str | None) -> bool:
    if not cookie or not field:
        return False
    return hmac.compare_digest(csrf_field(secret_key, cookie), field)


def sign_ticket(secret_key: str, cookie: str, client_id: str, username: str) -> str:
    expires = str(int(time.time()) + TICKET_SECONDS)
    name = base64.urlsafe_b64encode(username.encode()).decode()
    return f"{name}.{expires}.{_mac(secret_key, 'ticket', cookie, client_id, username, expires)}"


def read_ticket(secret_key: str, cookie: str, client_id: str, ticket: str) -> str | None:
    """The user name of a valid, unexpired ticket; None otherwise."""
    try:
        name, expires, mac = ticket.split(".")
        username = base64.urlsafe_b64decode(name.encode()).decode()
    except ValueError:
        return None
    expected = _mac(secret_key, "ticket", cookie, client_id, username, expires)
    if not hmac.compare_digest(expected, mac) or not expires.isdigit():
        return None
    return username if int(expires) > time.time() else None
