"""What Authlib's server core asks of clients, codes and tokens (its *Mixin contracts)."""

from __future__ import annotations

import contextvars
import datetime as dt
import hmac
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import scope_to_list

from ledgerport.auth.tokens import TokenRecord, secret_hash

__all__ = [
    "PUBLIC_CLIENT_ID",
    "SWAGGER_CLIENT_ID",
    "SWAGGER_REDIRECT_PATH",
    "CodeModel",
    "OAuthClient",
    "TokenModel",
    "built_in_clients",
    "current_origin",
]

PUBLIC_CLIENT_ID = "ledgerport-public"
"""The built-in public client of a password grant sent without one (RedHorn's example)."""
SWAGGER_CLIENT_ID = "swagger-ui"
SWAGGER_REDIRECT_PATH = "/swagger/oauth2-redirect.html"

current_origin: contextvars.ContextVar[str] = contextvars.ContextVar("current_origin", default="")
"""``scheme://host:port`` of the request being handled (Swagger UI's redirect is same-origin)."""


@dataclass(frozen=True)
class OAuthClient(ClientMixin):  # type: ignore[misc]
    """A registered client; ``secret_hash`` None makes it public (PKCE, no secret)."""

    client_id: str
    name: str
    secret_hash: str | None
    redirect_uris: tuple[str, ...]
    grant_types: tuple[str, ...]
    scopes: tuple[str, ...]
    owner: str | None
    """The user whose rights a client_credentials token has (None for built-in clients)."""
    same_origin_redirect: str | None = None
    """A path on this server's own origin accepted as redirect URI (Swagger UI's)."""

    @property
    def public(self) -> bool:
        return self.secret_hash is None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        if self.redirect_uris:
            return self.redirect_uris[0]
        if self.same_origin_redirect and current_origin.get():
            return current_origin.get() + self.same_origin_redirect
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return ""
        return " ".join(s for s in scope_to_list(scope) if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact match (RFC 6749 §3.1.2.3; RFC 8252 loopback URIs are registered with port)."""
        if redirect_uri in self.redirect_uris:
            return True
        origin = current_origin.get()
        return bool(
            self.same_origin_redirect
            and origin
            and redirect_uri == origin + self.same_origin_redirect
        )

    def check_client_secret(self, client_secret: str) -> bool:
        if self.secret_hash is None:
            return False
        return hmac.compare_digest(secret_hash(client_secret), self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


def built_in_clients() -> dict[str, OAuthClient]:
    every = ("read", "write", "webhooks", "admin")
    return {
        PUBLIC_CLIENT_ID: OAuthClient(
            PUBLIC_CLIENT_ID,
            "Password grant without a client",
            None,
            (),
            ("password", "refresh_token"),
            every,
            None,
        ),
        SWAGGER_CLIENT_ID: OAuthClient(
            SWAGGER_CLIENT_ID,
            "Swagger UI",
            None,
            (),
            ("authorization_code", "refresh_token"),
            every,
            None,
            same_origin_redirect=SWAGGER_REDIRECT_PATH,
        ),
    }


@dataclass(frozen=True)
class CodeModel(AuthorizationCodeMixin):  # type: ignore[misc]
    client_id: str
    username: str
    redirect_uri: str | None
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str | None:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass(frozen=True)
class TokenModel(TokenMixin):  # type: ignore[misc]
    record: TokenRecord
    now: dt.datetime
    refresh: bool = False
    """Found by its refresh value."""

    def check_client(self, client: OAuthClient) -> bool:
        return bool(client.client_id == self.record.client_id)

    def get_scope(self) -> str:
        return " ".join(self.record.scopes)

    def get_expires_in(self) -> int:
        if self.record.expires_at is None:
            return 0
        return int((self.record.expires_at - self.record.issued_at).total_seconds())

    def is_expired(self) -> bool:
        if self.refresh:
            return not self.record.refresh_active(self.now) and not self.record.revoked
        return not self.record.access_active(self.now) and not self.record.revoked

    def is_revoked(self) -> bool:
        return self.record.revoked
