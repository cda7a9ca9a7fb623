"""The long-lived parts one process shares between requests, passed in (never globals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ledgerport.auth.basic import BasicAuthenticator
from ledgerport.auth.passwords import PasswordVerifier
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
    tables: Tables = field(init=False)

    def __post_init__(self) -> None:
        self.basic = BasicAuthenticator(self.verifier)
        self.tables = Tables.build(self.registry)

    def use_registry(self, registry: Registry) -> None:
        tables = Tables.build(registry)
        self.registry, self.tables = registry, tables

    def use_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.basic.forget()

    @property
    def page_limits(self) -> PageLimits:
        server = self.settings.server
        return PageLimits(
            server.default_page_size,
            server.max_page_size,
            server.max_filter_depth,
            self.secret_key,
        )
