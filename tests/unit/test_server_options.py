"""What ``ledgerport serve`` hands uvicorn for the settings file's ``[server]`` section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ledgerport import server
from ledgerport.config import load_settings
from ledgerport.server import ServeOptions, uvicorn_options


def options_for(tmp_path: Path, server: str, *, insecure: bool = False) -> dict[str, object]:
    config = tmp_path / "ledgerport.toml"
    config.write_text(f'[database]\nurl = "sqlite:///x.db"\n\n[server]\n{server}\n')
    settings = load_settings(config, environ={})
    return uvicorn_options(settings, ServeOptions("127.0.0.1", 8443, insecure_http=insecure))


def test_the_access_log_is_on_unless_turned_off(tmp_path: Path) -> None:
    assert options_for(tmp_path, "", insecure=True)["access_log"] is True
    assert options_for(tmp_path, "access_log = false", insecure=True)["access_log"] is False


def test_tls_is_the_default_with_a_self_signed_certificate(tmp_path: Path) -> None:
    served = options_for(tmp_path, "")
    assert Path(str(served["ssl_certfile"])).read_text().startswith("-----BEGIN CERTIFICATE")
    assert "ssl_certfile" not in options_for(tmp_path, "", insecure=True)


def test_the_serving_module_loads_no_command_line_or_http_client_library() -> None:
    """What ``ledgerport serve`` becomes imports neither typer, pydantic, rich nor httpx."""
    heavy = ("typer", "pydantic", "rich", "httpx", "alembic", "cryptography")
    code = (
        f"import sys, ledgerport.server; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == []


def test_the_serving_module_refuses_to_start_without_serve() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ledgerport.server"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "ledgerport serve" in result.stderr


def test_serve_falls_back_to_its_own_process_when_it_cannot_exec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings too large for the environment (E2BIG): served from the command's process."""
    config = tmp_path / "ledgerport.toml"
    config.write_text('[database]\nurl = "sqlite:///x.db"\n')
    settings = load_settings(config, environ={})
    ran: list[dict[str, Any]] = []

    def refuse(path: str, args: list[str]) -> None:
        raise OSError(7, "Argument list too long")

    for name in (server.LAUNCH_ENV, server.SETTINGS_FALLBACK_ENV):
        monkeypatch.setenv(name, "")  # put back as they were afterwards
    monkeypatch.setattr(server.os, "execv", refuse)
    monkeypatch.setattr(server.uvicorn, "run", lambda **options: ran.append(options))
    monkeypatch.setattr("ledgerport.app.create_app", lambda *args: "the app")
    with pytest.raises(SystemExit) as stopped:
        server.serve(settings, ServeOptions("127.0.0.1", 8443, insecure_http=True))
    assert stopped.value.code == 0
    assert [(r["app"], r["port"]) for r in ran] == [("the app", 8443)]
    assert server.LAUNCH_ENV not in server.os.environ
