"""The OAuth 2.0 authorization server, on Authlib's framework-neutral core.

Authlib's core is synchronous: ``api/oauth.py`` runs it in a worker thread, and every
database call it needs goes back onto the event loop through ``Bridge`` (the loop is never
blocked). Answers come back as ``OAuthAnswer`` (status, JSON body, headers), RFC 6749 §5.2
errors included; only ``api/oauth.py`` turns them into HTTP responses.

Authlib's debug log would write tokens: its logger is pinned at INFO here.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidScopeError
from authlib.oauth2.rfc6749.grants import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
    ResourceOwnerPasswordCredentialsGrant,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from ledgerport.auth.oauth_models import CodeModel, OAuthClient, TokenModel
from ledgerport.auth.oauth_store import LoginRefused, OAuthStore
from ledgerport.auth.tokens import TokenRecord, new_secret, secret_hash
from ledgerport.auth.users import UserRecord
from ledgerport.config import ALL_SCOPES

__all__ = [
    "Bridge",
    "LedgerportOAuthServer",
    "OAuthAnswer",
    "OAuthCall",
    "authorization_response",
    "granted_scopes",
]

logging.getLogger("authlib").setLevel(logging.INFO)

T = TypeVar("T")
_TIMEOUT = 30.0


@dataclass(frozen=True)
class OAuthAnswer:
    status: int
    body: object
    headers: tuple[tuple[str, str], ...] = ()


class Bridge:
    """Runs a coroutine on the server's event loop from Authlib's worker thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(_TIMEOUT)


class OAuthCall(OAuth2Request):  # type: ignore[misc]
    """One HTTP request as Authlib sees it: form and query values, headers, and what the
    bridge and throttling need."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: dict[str, str],
        args: dict[str, str],
        form: dict[str, str],
        *,
        bridge: Bridge,
        address: str,
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = args
        self._form = form
        self.payload = BasicOAuth2Payload({**args, **form})
        self.bridge = bridge
        self.address = address

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def granted_scopes(requested: str | None, client: OAuthClient, user: UserRecord) -> list[str]:
    """What a token gets: the scopes asked for (all when none are), within the client's and
    the user's; a token never has more than its user."""
    allowed = [s for s in ALL_SCOPES if s in client.scopes and s in user.scopes]
    if not requested:
        return allowed
    return [s for s in scope_to_list(requested) if s in allowed]


def _bridge(request: Any) -> Bridge:
    assert isinstance(request, OAuthCall)
    return request.bridge


class _Password(ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
    """RFC 6749 §4.3; a request without client authentication uses the built-in public
    client (RedHorn's example sends only username, password and grant_type)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def authenticate_user(self, username: str, password: str) -> UserRecord | None:
        store: OAuthStore = self.server.store
        request = self.request
        try:
            return _bridge(request).run(store.login(username, password, request.address))
        except LoginRefused as exc:
            raise InvalidGrantError(str(exc)) from None


class _Code(AuthorizationCodeGrant):  # type: ignore[misc]
    """RFC 6749 §4.1 with PKCE (RFC 7636): codes are stored hashed and work once."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code: str, request: OAuthCall) -> None:
        data = request.payload.data
        model = CodeModel(
            client_id=request.client.client_id,
            username=request.user.username,
            redirect_uri=data.get("redirect_uri"),
            scope=request.scope or "",
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )
        request.bridge.run(self.server.store.save_code(code, model))

    def query_authorization_code(self, code: str, client: OAuthClient) -> CodeModel | None:
        found: CodeModel | None = _bridge(self.request).run(
            self.server.store.take_code(code, client.client_id)
        )
        return found

    def delete_authorization_code(self, authorization_code: CodeModel) -> None:
        """Already deleted when it was claimed (``take_code``)."""

    def authenticate_user(self, authorization_code: CodeModel) -> UserRecord | None:
        user: UserRecord | None = _bridge(self.request).run(
            self.server.store.user(authorization_code.username)
        )
        return user


class _S256(CodeChallenge):  # type: ignore[misc]
    """Only S256: ``plain`` would send the verifier in the clear (RFC 7636 §4.2)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    """RFC 6749 §4.4: the token acts as the client's owning user."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class _Refresh(RefreshTokenGrant):  # type: ignore[misc]
    """RFC 6749 §6 with rotation: each use gives a new refresh token and revokes the old."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> TokenModel | None:
        token: TokenModel | None = _bridge(self.request).run(self.server.store.token(refresh_token))
        if token is None or not token.refresh or not token.record.refresh_active(token.now):
            return None
        return token

    def authenticate_user(self, refresh_token: TokenModel) -> UserRecord | None:
        user: UserRecord | None = _bridge(self.request).run(
            self.server.store.user(refresh_token.record.username)
        )
        return user

    def issue_token(self, user: UserRecord, refresh_token: TokenModel) -> dict[str, Any]:
        self.request.original_grant = refresh_token.record.grant_type
        return super().issue_token(user, refresh_token)  # type: ignore[no-any-return]

    def revoke_old_credential(self, refresh_token: TokenModel) -> None:
        _bridge(self.request).run(self.server.store.revoke(refresh_token.record))


class _Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009; public clients (the built-in one too) revoke their own tokens."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenModel | None:
        token: TokenModel | None = _bridge(self.server.current).run(
            self.server.store.token(token_string)
        )
        return token

    def revoke_token(self, token: TokenModel, request: OAuthCall) -> None:
        request.bridge.run(self.server.store.revoke(token.record))
        request.revoked = True


class _Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    """RFC 7662, for confidential clients: their own tokens, or any with the admin scope."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenModel | None:
        token: TokenModel | None = _bridge(self.server.current).run(
            self.server.store.token(token_string)
        )
        return token

    def check_permission(self, token: TokenModel, client: OAuthClient, request: Any) -> bool:
        return token.record.client_id == client.client_id or "admin" in client.scopes

    def introspect_token(self, token: TokenModel) -> dict[str, object]:
        record = token.record
        payload: dict[str, object] = {
            "active": True,
            "client_id": record.client_id,
            "username": record.username,
            "sub": record.username,
            "scope": " ".join(record.scopes),
            "token_type": "refresh_token" if token.refresh else "Bearer",
            "iat": int(record.issued_at.timestamp()),
        }
        ends = record.refresh_expires_at if token.refresh else record.expires_at
        if ends is not None:
            payload["exp"] = int(ends.timestamp())
        return payload


_current: contextvars.ContextVar[OAuthCall | None] = contextvars.ContextVar(
    "oauth_call", default=None
)
"""The request of this worker thread (each call runs in its own copied context)."""


class LedgerportOAuthServer(AuthorizationServer):  # type: ignore[misc]
    """Authlib's AuthorizationServer with ledgerport's store and token rules."""

    def __init__(self, store: OAuthStore) -> None:
        super().__init__(scopes_supported=list(ALL_SCOPES))
        self.store = store
        self.register_token_generator("default", self._generate)
        self.register_grant(_Password)
        self.register_grant(_Code, [_S256(required=True)])
        self.register_grant(_ClientCredentials)
        self.register_grant(_Refresh)
        self.register_endpoint(_Revocation)
        self.register_endpoint(_Introspection)

    @property
    def current(self) -> OAuthCall:
        request = _current.get()
        assert request is not None
        return request

    def query_client(self, client_id: str) -> OAuthClient | None:
        client: OAuthClient | None = self.current.bridge.run(self.store.client(client_id))
        return client

    def create_oauth2_request(self, request: OAuthCall) -> OAuthCall:
        _current.set(request)
        return request

    def create_json_request(self, request: OAuthCall) -> OAuthCall:
        return request

    def handle_response(self, status: int, body: object, headers: Any) -> OAuthAnswer:
        pairs = tuple((str(k), str(v)) for k, v in (headers or []))
        return OAuthAnswer(status, body, pairs)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: nothing listens."""

    def _generate(
        self,
        grant_type: str,
        client: OAuthClient,
        user: UserRecord | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, object]:
        request = self.current
        if user is None:  # client_credentials: the owning user's rights
            user = request.bridge.run(self.store.user(client.owner)) if client.owner else None
            if user is None:
                raise InvalidGrantError("The client's owning user is missing or disabled.")
            request.user = user
        scopes = granted_scopes(scope, client, user)
        if not scopes:
            raise InvalidScopeError("None of the requested scopes is allowed to this client/user.")
        tokens = self.store.settings().tokens
        original = getattr(request, "original_grant", grant_type)
        ttl = {
            "password": tokens.password_ttl,
            "authorization_code": tokens.authorization_code_ttl,
            "client_credentials": tokens.client_credentials_ttl,
        }.get(original, tokens.password_ttl)
        token: dict[str, object] = {
            "access_token": new_secret("lpat_"),
            "token_type": "bearer",
            "scope": " ".join(scopes),
        }
        if ttl:
            token["expires_in"] = ttl
        if include_refresh_token and "refresh_token" in client.grant_types:
            token["refresh_token"] = new_secret("lprt_")
        request.issue = (original, user.username, scopes)
        return token

    def save_token(self, token: dict[str, object], request: OAuthCall) -> None:
        original, username, scopes = request.issue
        now = self.store.clock()
        expires_in = token.get("expires_in")
        refresh = token.get("refresh_token")
        refresh_ttl = self.store.settings().tokens.refresh_ttl
        record = TokenRecord(
            access_hash=secret_hash(str(token["access_token"])),
            refresh_hash=secret_hash(str(refresh)) if refresh else None,
            client_id=request.client.client_id,
            username=username,
            scopes=tuple(scopes),
            grant_type=original,
            issued_at=now,
            expires_at=now + dt.timedelta(seconds=int(str(expires_in))) if expires_in else None,
            refresh_expires_at=(
                now + dt.timedelta(seconds=refresh_ttl) if refresh and refresh_ttl else None
            ),
        )
        request.bridge.run(self.store.save_token(record))


def authorization_response(
    server: LedgerportOAuthServer, call: OAuthCall, grant: Any, user: UserRecord | None
) -> OAuthAnswer:
    """The redirect after the consent page (with ``code`` and ``state``, or access_denied)."""
    server.create_oauth2_request(call)
    answer: OAuthAnswer = server.create_authorization_response(call, grant_user=user, grant=grant)
    return answer
