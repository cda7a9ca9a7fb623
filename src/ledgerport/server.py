"""Run the app under uvicorn: TLS unless told otherwise, one or several worker processes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import uvicorn

from ledgerport.app import CONFIG_ENV, SETTINGS_FALLBACK_ENV, create_app
from ledgerport.config import Settings
from ledgerport.tls import ensure_self_signed

__all__ = ["ServeOptions", "serve", "tls_files", "uvicorn_options"]

TLS_DIR = "ledgerport-tls"


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int = 1
    insecure_http: bool = False
    config_path: Path | None = None


def tls_files(settings: Settings) -> tuple[Path, Path]:
    """The configured certificate, or the self-signed localhost one beside the config."""
    server = settings.server
    if server.tls_cert and server.tls_key:
        return settings.path(server.tls_cert), settings.path(server.tls_key)
    return ensure_self_signed(settings.path(TLS_DIR))


def uvicorn_options(settings: Settings, options: ServeOptions) -> dict[str, Any]:
    """Keyword arguments of ``uvicorn.run`` for these settings and options."""
    tls: dict[str, str] = {}
    if not options.insecure_http:
        cert, key = tls_files(settings)
        tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
    proxies = list(settings.server.trusted_proxies)
    common: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
        "server_header": False,
        "log_level": "info",
        "access_log": settings.server.access_log,
        **tls,
    }
    if options.workers > 1:
        if options.config_path is not None:
            os.environ[CONFIG_ENV] = str(options.config_path)
        os.environ[SETTINGS_FALLBACK_ENV] = msgspec.json.encode(settings).decode()
        return {
            "app": "ledgerport.app:create_app_from_env",
            "factory": True,
            "workers": options.workers,
            **common,
        }
    return {"app": create_app(settings, options.config_path), **common}


def serve(settings: Settings, options: ServeOptions) -> None:
    uvicorn.run(**uvicorn_options(settings, options))
