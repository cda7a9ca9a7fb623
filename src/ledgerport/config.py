"""Settings: ``ledgerport.toml`` plus ``LEDGERPORT_SECTION__KEY`` environment overrides.

Loading validates every key and value; a bad file is refused with the key and the reason
(``ConfigError``), never half-applied. Settings are frozen; a reload builds new ones.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

CONFIG_ENV = "LEDGERPORT_CONFIG_FILE"
"""Set by ``ledgerport serve`` so each worker process reads the same file."""
SETTINGS_FALLBACK_ENV = "LEDGERPORT_STARTED_WITH"
"""The validated settings ``serve`` started with, for workers restarted onto a broken file."""

__all__ = [
    "ALL_SCOPES",
    "CONFIG_ENV",
    "DEFAULT_SCOPES",
    "SETTINGS_FALLBACK_ENV",
    "CompanyAccess",
    "ConfigError",
    "DatabaseSettings",
    "IdempotencySettings",
    "LimitSettings",
    "NumberSeriesInterval",
    "ServerSettings",
    "Settings",
    "TokenSettings",
    "UserSettings",
    "WebhookSettings",
    "load_settings",
]

ALL_SCOPES = ("read", "write", "webhooks", "admin")
DEFAULT_SCOPES = ("read", "write", "webhooks")
ENV_PREFIX = "LEDGERPORT_"

Positive = Annotated[int, Meta(ge=1)]
NonNegative = Annotated[int, Meta(ge=0)]
Port = Annotated[int, Meta(ge=1, le=65535)]


class ConfigError(Exception):
    """The configuration cannot be used: the message names the key and the reason."""


class _Section(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class DatabaseSettings(_Section, frozen=True):
    url: str = "sqlite:///ledgerport.db"
    pool_size: Annotated[int, Meta(ge=1, le=500)] | None = None
    """Connections per process; by default 10 on PostgreSQL and 2 on SQLite."""


class ServerSettings(_Section, frozen=True):
    host: str = "127.0.0.1"
    port: Port = 8443
    tls_cert: str | None = None
    tls_key: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    default_context_user: str | None = None
    max_body_bytes: Positive = 4 * 1024 * 1024
    default_page_size: Positive = 100
    max_page_size: Positive = 1000
    max_filter_length: Positive = 2000
    max_filter_depth: Positive = 24
    max_batch_requests: Positive = 1000
    access_log: bool = True
    """One line per request from uvicorn (method, path, status); writes keep the audit log."""


class TokenSettings(_Section, frozen=True):
    """Lifetimes in seconds; 0 means a token lives until revoked."""

    password_ttl: NonNegative = 7200
    authorization_code_ttl: NonNegative = 3600
    """Access tokens of the authorization_code grant (the code itself: ``code_ttl``)."""
    code_ttl: Annotated[int, Meta(ge=1, le=600)] = 300
    """An authorization code works once, within this many seconds (RFC 6749 §4.1.2)."""
    client_credentials_ttl: NonNegative = 3600
    refresh_ttl: NonNegative = 30 * 24 * 3600


class LimitSettings(_Section, frozen=True):
    requests_per_minute: Positive = 1200
    login_failures_before_lockout: Positive = 5
    lockout_seconds: Positive = 300
    redis_url: str | None = None


class WebhookSettings(_Section, frozen=True):
    allow_private_urls: bool = False
    allow_http: bool = False
    retry_schedule: tuple[Annotated[float, Meta(ge=0)], ...] = (
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        36000,
    )
    """Seconds between attempts; the default is the Standard Webhooks schedule (~3 days)."""
    timeout_seconds: Annotated[float, Meta(gt=0, le=300)] = 15.0
    lease_seconds: Annotated[float, Meta(gt=0)] = 120.0
    """How long a worker owns a claimed delivery; an expired claim returns to the pool."""
    poll_seconds: Annotated[float, Meta(gt=0)] = 2.0
    """Fallback poll interval of the dispatcher (wake-ups make it rarely matter)."""
    concurrency: Annotated[int, Meta(ge=1, le=1000)] = 32
    """Subscriptions a worker delivers to at once (one slow receiver holds one slot)."""
    encryption_key: str | None = None
    """Key for signing secrets at rest, kept outside the database (else derived from it)."""
    retention_days: Annotated[float, Meta(gt=0)] = 30.0
    """Finished deliveries (and their attempts) are deleted this long after they finished."""


class IdempotencySettings(_Section, frozen=True):
    ttl_seconds: Positive = 86400


class NumberSeriesInterval(_Section, frozen=True):
    field: str
    """``resource.fieldName``, e.g. ``associates.customerNo``."""
    from_: Annotated[int, Meta(ge=0)] = msgspec.field(name="from")
    to: Annotated[int, Meta(ge=0)]


class CompanyAccess(_Section, frozen=True):
    company_no: Annotated[int, Meta(ge=1)]
    number_series: tuple[NumberSeriesInterval, ...] = ()


class UserSettings(_Section, frozen=True):
    """An API user (RedHorn's ApiUsers); only an argon2 hash of the password is kept."""

    username: Annotated[str, Meta(min_length=1, max_length=64)]
    password_hash: str
    context_user: str | None = None
    allow_basic: bool = True
    allow_sys: bool = False
    allow_catalog: bool = False
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    companies: tuple[CompanyAccess, ...] = ()


class Settings(_Section, frozen=True):
    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    tokens: TokenSettings = TokenSettings()
    limits: LimitSettings = LimitSettings()
    webhooks: WebhookSettings = WebhookSettings()
    idempotency: IdempotencySettings = IdempotencySettings()
    users: tuple[UserSettings, ...] = ()
    base_dir: str = "."
    """Directory that relative paths (SQLite file, certificates) resolve against."""

    def path(self, relative: str) -> Path:
        return (Path(self.base_dir) / relative).resolve()

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path made absolute against ``base_dir``."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            rest = url[len(prefix) :]
            if rest and rest != ":memory:":
                return prefix + str(self.path(rest))
        return url


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the file (if any), apply environment overrides, validate everything.

    With no path, ``ledgerport.toml`` in the working directory is used when it exists.
    """
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    file = Path(path) if path is not None else Path("ledgerport.toml")
    if path is not None and not file.exists():
        raise ConfigError(f"{file}: no such configuration file")
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
        if "base_dir" in data:
            raise ConfigError("base_dir: unknown key")
        data["base_dir"] = str(file.resolve().parent)
    else:
        data["base_dir"] = str(Path.cwd())
    _apply_environment(data, env)
    try:
        settings = msgspec.convert(data, Settings)
    except msgspec.ValidationError as exc:
        raise ConfigError(_readable(str(exc))) from exc
    _check(settings)
    return settings


def _apply_environment(data: dict[str, Any], env: Mapping[str, str]) -> None:
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        target = data.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{name}: [{section}] is not a section")
        target[key] = _env_value(raw)


def _env_value(raw: str) -> object:
    """An environment value is read as a TOML value when it is one, else as a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _readable(message: str) -> str:
    # msgspec says "Expected `int`, got `str` - at `$.server.port`"; say "server.port: ...".
    text, sep, where = message.rpartition(" - at `")
    if not sep:
        text, where = message, ""
    key = where.rstrip("`").removeprefix("$").lstrip(".")
    if text.startswith("Object contains unknown field"):
        unknown = text.split("`")[1]
        return f"{key + '.' if key else ''}{unknown}: unknown key"
    return f"{key}: {text}" if key else text


def _check(settings: Settings) -> None:
    url = settings.database.url
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError("database.url: must start with sqlite:/// or postgresql://")
    server = settings.server
    if (server.tls_cert is None) != (server.tls_key is None):
        raise ConfigError("server.tls_cert: tls_cert and tls_key go together")
    if server.default_page_size > server.max_page_size:
        raise ConfigError("server.default_page_size: larger than server.max_page_size")
    hooks = settings.webhooks
    if hooks.lease_seconds <= hooks.timeout_seconds:
        raise ConfigError("webhooks.lease_seconds: must be longer than webhooks.timeout_seconds")
    names: set[str] = set()
    for index, user in enumerate(settings.users):
        where = f"users[{index}]"
        if user.username in names:
            raise ConfigError(f"{where}.username: {user.username!r} appears twice")
        names.add(user.username)
        if not user.password_hash.startswith("$argon2"):
            raise ConfigError(
                f"{where}.password_hash: must be an argon2 hash "
                "(make one with `ledgerport users hash-password`)"
            )
        for scope in user.scopes:
            if scope not in ALL_SCOPES:
                raise ConfigError(f"{where}.scopes: unknown scope {scope!r}")
        for access in user.companies:
            for interval in access.number_series:
                if interval.from_ > interval.to:
                    raise ConfigError(f"{where}.companies.number_series: from is above to")
                if "." not in interval.field:
                    raise ConfigError(
                        f"{where}.companies.number_series.field: use resource.fieldName"
                    )
