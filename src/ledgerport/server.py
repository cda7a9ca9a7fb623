"""Run the app under uvicorn: TLS unless told otherwise, one or several worker processes.

``ledgerport serve`` checks the settings and the database, makes the certificate if needed,
then replaces itself (same process id) with a Python running ``main`` here: the serving
process does not carry the command line's libraries (typer, pydantic, rich, click's help:
about 13 MB), and neither do the worker processes uvicorn spawns from it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import msgspec
import uvicorn

from ledgerport.config import CONFIG_ENV, SETTINGS_FALLBACK_ENV, Settings
from ledgerport.tls import ensure_self_signed

__all__ = ["ServeOptions", "main", "serve", "tls_files", "uvicorn_options"]

TLS_DIR = "ledgerport-tls"
SERVE_CODE = "from ledgerport.server import main; main()"
LAUNCH_ENV = "LEDGERPORT_SERVE_OPTIONS"
"""How ``serve`` hands its options to the process it becomes."""


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int = 1
    insecure_http: bool = False
    config_path: Path | None = None
    tls: tuple[Path, Path] | None = None
    """Certificate and key; None: the configured or self-signed ones, found when serving."""


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
        cert, key = options.tls or tls_files(settings)
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
        # The API has no WebSocket endpoint: uvicorn need not load a WebSocket library.
        "ws": "none",
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
    # Imported here: with several workers this process only supervises them (the workers
    # import the app), and need not hold it.
    from ledgerport.app import create_app

    return {"app": create_app(settings, options.config_path), **common}


def serve(settings: Settings, options: ServeOptions) -> NoReturn:
    """Become the serving process: a new Python running ``main`` with these settings.

    The settings travel as the JSON the worker processes already start from (the process's
    own environment, readable only by its user), so the server runs exactly what was checked.
    """
    if not options.insecure_http and options.tls is None:
        options = replace(options, tls=tls_files(settings))
    os.environ[LAUNCH_ENV] = msgspec.json.encode(options, enc_hook=str).decode()
    os.environ[SETTINGS_FALLBACK_ENV] = msgspec.json.encode(settings).decode()
    sys.stdout.flush()
    sys.stderr.flush()
    # -P: the working directory is not put on sys.path, so nothing there shadows ledgerport.
    # -c rather than -m: the classes stay ledgerport.server's (msgspec resolves their
    # annotations there), and spawned workers have no main module to import again.
    try:
        os.execv(sys.executable, [sys.executable, "-P", "-c", SERVE_CODE])  # noqa: S606
    except OSError as exc:  # E2BIG: settings too large for an environment variable
        print(f"serving from this process ({exc})", file=sys.stderr, flush=True)
        del os.environ[LAUNCH_ENV]
        uvicorn.run(**uvicorn_options(settings, options))
        sys.exit(0)


def main() -> None:
    """The serving process's entry point (``serve`` starts it)."""
    launch = os.environ.pop(LAUNCH_ENV, None)
    if launch is None:
        sys.exit("ledgerport.server is started by `ledgerport serve`")
    options = msgspec.json.decode(launch, type=ServeOptions, dec_hook=_path)
    settings = msgspec.json.decode(os.environ[SETTINGS_FALLBACK_ENV], type=Settings)
    if options.workers == 1:
        # Only worker processes read it (to survive a broken file at SIGHUP).
        del os.environ[SETTINGS_FALLBACK_ENV]
    uvicorn.run(**uvicorn_options(settings, options))


def _path(kind: type, value: object) -> Path:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


if __name__ == "__main__":
    main()
