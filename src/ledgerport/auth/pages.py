"""The server-rendered pages of ``/api/oauth/authorize``: login, consent and errors.

Every value is HTML-escaped. Forms carry a CSRF field (see ``auth/csrf.py``); pages forbid
framing (clickjacking a consent page would grant access).
"""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

__all__ = ["PAGE_HEADERS", "SCOPE_WORDS", "consent_page", "error_page", "login_page"]

_PAGE = Template((Path(__file__).parent / "templates" / "page.html").read_text(encoding="utf-8"))

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

SCOPE_WORDS = {
    "read": "Read the data of your companies",
    "write": "Create, change and delete data of your companies",
    "webhooks": "Manage webhook subscriptions",
    "admin": "Administer API users and OAuth clients",
}


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _page(title: str, content: str) -> str:
    return _PAGE.substitute(title=_e(title), content=content)


def login_page(action: str, csrf: str, client_name: str, error: str | None = None) -> str:
    problem = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
    return _page(
        "Sign in",
        f"""<p><strong>{_e(client_name)}</strong> wants to use ledgerport on your behalf.</p>
{problem}
<form method="post" action="{_e(action)}">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<input type="hidden" name="step" value="login">
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>""",
    )


def consent_page(
    action: str, csrf: str, ticket: str, client_name: str, username: str, scopes: list[str]
) -> str:
    items = "\n".join(
        f"<li>{_e(SCOPE_WORDS.get(s, s))} <span class='muted'>({_e(s)})</span></li>" for s in scopes
    )
    return _page(
        "Allow access?",
        f"""<p>Signed in as <strong>{_e(username)}</strong>.</p>
<p><strong>{_e(client_name)}</strong> asks to:</p>
<ul>
{items}
</ul>
<form method="post" action="{_e(action)}">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<input type="hidden" name="step" value="consent">
<input type="hidden" name="ticket" value="{_e(ticket)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>""",
    )


def error_page(title: str, detail: str) -> str:
    return _page(title, f'<p class="error" role="alert">{_e(detail)}</p>')
