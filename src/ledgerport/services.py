"""The long-lived parts one process shares between requests, passed in (never globals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ledgerport.auth.basic import BasicAuthenticator
from ledgerport.auth.passwords import PasswordVerifier
from ledgerport.auth.throttle import (
    Counters,
    DatabaseCounters,
    LoginGuard,
    MemoryCounters,
    RateLimiter,
)
from ledgerport.auth.tokens import BearerAuthenticator
from ledgerport.config import Settings
from ledgerport.model import Registry
from ledgerport.plan.planner import PageLimits
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database

__all__ = ["Services", "utc_now"]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Services:
    """Settings, database, model and authenticators of one process.

    ``settings`` is replaced on a reload and ``registry``/``tables`` together on a data
    model change; each request reads them once at its start.
    """

    settings: Settings
    database: Database
    registry: Registry
    secret_key: str
    clock: Callable[[], dt.datetime] = utc_now
    verifier: PasswordVerifier = field(default_factory=PasswordVerifier)
    basic: BasicAuthenticator = field(init=False)
    bearer: BearerAuthenticator = field(init=False)
    login_guard: LoginGuard = field(init=False)
    limiter: RateLimiter = field(init=False)
    tables: Tables = field(init=False)

    def __post_init__(self) -> None:
        self.basic = BasicAuthenticator(self.verifier)
        self.bearer = BearerAuthenticator()
        self.tables = Tables.build(self.registry)
        self._counters: Counters = (
            MemoryCounters() if self.database.is_sqlite else DatabaseCounters(self.database)
        )
        self._use_limits(self.settings)

    def _use_limits(self, settings: Settings) -> None:
        limits = settings.limits
        self.login_guard = LoginGuard(
            self.database,
            failures_before_lockout=limits.login_failures_before_lockout,
            lockout_seconds=limits.lockout_seconds,
            clock=lambda: self.clock(),
        )
        self.limiter = RateLimiter(self._counters, limits.requests_per_minute)

    def forget_credentials(self) -> None:
        """Drop cached credentials and tokens (a user changed, a token revoked)."""
        self.basic.forget()
        self.bearer.forget()

    def use_registry(self, registry: Registry) -> None:
        tables = Tables.build(registry)
        self.registry, self.tables = registry, tables

    def use_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._use_limits(settings)
        self.forget_credentials()

    @property
    def page_limits(self) -> PageLimits:
        server = self.settings.server
        return PageLimits(
            server.default_page_size,
            server.max_page_size,
            server.max_filter_depth,
            self.secret_key,
        )
