"""Units of auth: scopes granted, CSRF and tickets, the rate limiter, the bearer cache."""

from __future__ import annotations

import asyncio

import pytest

from ledgerport.auth.csrf import csrf_field, csrf_ok, read_ticket, sign_ticket
from ledgerport.auth.oauth_models import OAuthClient, built_in_clients
from ledgerport.auth.oauth_server import granted_scopes
from ledgerport.auth.policy import authorize
from ledgerport.auth.principal import CompanyGrant, Principal
from ledgerport.auth.throttle import MemoryCounters, RateLimiter, failure_delay
from ledgerport.auth.tokens import BearerAuthenticator, BearerResult
from ledgerport.auth.users import UserRecord
from ledgerport.errors import CompanyForbidden, Forbidden, RateLimited, Unauthenticated
from ledgerport.model import Scope
from ledgerport.request.intent import Method, Target


def user(*scopes: str) -> UserRecord:
    return UserRecord("u", "$argon2id$x", None, True, False, False, scopes, ())


def client(*scopes: str) -> OAuthClient:
    return OAuthClient("c", "C", "h", (), ("password",), scopes, "u")


@pytest.mark.parametrize(
    ("requested", "client_scopes", "user_scopes", "granted"),
    [
        (None, ("read", "write"), ("read", "write", "webhooks"), ["read", "write"]),
        ("read admin", ("read", "admin"), ("read",), ["read"]),
        ("write", ("read",), ("read", "write"), []),
        ("read write", ("read", "write", "admin"), ("read", "write", "admin"), ["read", "write"]),
    ],
)
def test_a_token_gets_at_most_what_client_and_user_have(
    requested: str | None,
    client_scopes: tuple[str, ...],
    user_scopes: tuple[str, ...],
    granted: list[str],
) -> None:
    assert granted_scopes(requested, client(*client_scopes), user(*user_scopes)) == granted


def test_csrf_field_is_bound_to_the_cookie_and_key() -> None:
    field = csrf_field("key", "cookie")
    assert csrf_ok("key", "cookie", field)
    assert not csrf_ok("key", "other", field)
    assert not csrf_ok("other-key", "cookie", field)
    assert not csrf_ok("key", None, field)
    assert not csrf_ok("key", "cookie", None)


def test_tickets_are_bound_to_cookie_and_client() -> None:
    ticket = sign_ticket("key", "cookie", "client", "alice")
    assert read_ticket("key", "cookie", "client", ticket) == "alice"
    assert read_ticket("key", "cookie", "other-client", ticket) is None
    assert read_ticket("key", "other-cookie", "client", ticket) is None
    name, expires, mac = ticket.split(".")
    assert read_ticket("key", "cookie", "client", f"{name}.{int(expires) + 1}.{mac}") is None
    assert read_ticket("key", "cookie", "client", "garbage") is None


def test_swagger_ui_redirects_only_to_its_own_origin() -> None:
    from ledgerport.auth.oauth_models import current_origin

    swagger = built_in_clients()["swagger-ui"]
    token = current_origin.set("https://erp.example:8443")
    try:
        assert swagger.check_redirect_uri("https://erp.example:8443/swagger/oauth2-redirect.html")
        assert not swagger.check_redirect_uri("https://evil.example/swagger/oauth2-redirect.html")
    finally:
        current_origin.reset(token)
    assert not swagger.check_redirect_uri("https://erp.example:8443/swagger/oauth2-redirect.html")


def test_failed_logins_wait_longer_each_time_up_to_two_seconds() -> None:
    assert [failure_delay(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


async def test_rate_limiter_counts_per_subject_and_window() -> None:
    now = [120.0]
    limiter = RateLimiter(MemoryCounters(), 10, clock=lambda: now[0])
    for _ in range(10):
        await limiter.hit("a")
    with pytest.raises(RateLimited) as refused:
        await limiter.hit("a")
    assert refused.value.headers["Retry-After"] == "60"
    assert refused.value.headers["RateLimit-Policy"] == "10;w=60"
    await limiter.hit("b")
    now[0] = 180.5
    await limiter.hit("a")


class SlowCounters(MemoryCounters):
    """Counts in memory, each addition taking a moment (as a database round trip does)."""

    def __init__(self) -> None:
        super().__init__()
        self.additions = 0

    async def add(self, subject: str, window: int, amount: int) -> int:
        self.additions += 1
        await asyncio.sleep(0.01)
        return await super().add(subject, window, amount)


async def test_requests_finding_the_block_empty_together_share_one_refill() -> None:
    counters = SlowCounters()
    limiter = RateLimiter(counters, 100, clock=lambda: 120.0)  # blocks of 5
    await asyncio.gather(*(limiter.hit("a") for _ in range(20)))
    assert counters.additions == 4
    results = await asyncio.gather(*(limiter.hit("a") for _ in range(90)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, RateLimited)]
    assert len(refused) == 10  # 100 a minute in all
    assert counters.additions <= 4 + 17


async def test_requests_finding_a_token_expired_together_share_one_lookup() -> None:
    calls: list[str] = []
    principal = Principal("u", frozenset({"read"}), ())

    async def resolve(token: str) -> tuple[BearerResult | None, float]:
        calls.append(token)
        await asyncio.sleep(0.01)
        return (BearerResult(principal, "user:u") if token == "good" else None), 3600.0

    bearer = BearerAuthenticator(cache_seconds=5, clock=lambda: 0.0)
    found = await asyncio.gather(*(bearer.authenticate("good", resolve) for _ in range(20)))
    assert {f.principal for f in found} == {principal}
    refused = await asyncio.gather(
        *(bearer.authenticate("bad", resolve) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, Unauthenticated) for r in refused)
    assert calls == ["good", "bad"]


async def test_bearer_cache_asks_once_within_its_interval() -> None:
    calls: list[str] = []
    now = [0.0]
    principal = Principal("u", frozenset({"read"}), ())

    async def resolve(token: str) -> tuple[BearerResult | None, float]:
        calls.append(token)
        return (BearerResult(principal, "user:u") if token == "good" else None), 3600.0

    bearer = BearerAuthenticator(cache_seconds=5, clock=lambda: now[0])
    for _ in range(3):
        assert (await bearer.authenticate("good", resolve)).principal == principal
    with pytest.raises(Unauthenticated):
        await bearer.authenticate("bad", resolve)
    assert calls == ["good", "bad"]
    now[0] = 6.0
    await bearer.authenticate("good", resolve)
    assert calls == ["good", "bad", "good"]


def test_admin_resources_need_the_admin_scope_and_allow_sys() -> None:
    target = Target(Scope.SYS, None, "apiusers")
    admin = Principal("a", frozenset({"read", "admin"}), (), allow_sys=True)
    authorize(admin, target, Method.GET)
    with pytest.raises(Forbidden):
        authorize(
            Principal("r", frozenset({"read", "write"}), (), allow_sys=True), target, Method.GET
        )
    with pytest.raises(Forbidden):
        authorize(Principal("s", frozenset({"admin"}), ()), target, Method.GET)
    company = Target(Scope.COMPANY, 9999, "auditlog")
    with pytest.raises(CompanyForbidden):
        authorize(Principal("b", frozenset({"read"}), (CompanyGrant(1000),)), company, Method.GET)


def test_authlib_never_logs_at_debug_level() -> None:
    """Authlib's debug log writes tokens; its logger is pinned at INFO."""
    import logging

    import ledgerport.app  # noqa: F401 - builds everything that configures logging

    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        assert logging.getLogger("authlib").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("authlib.oauth2").getEffectiveLevel() >= logging.INFO
    finally:
        root.setLevel(previous)
