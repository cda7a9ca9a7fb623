"""The command line as an operator runs it: init, serve (TLS, workers), SIGHUP reload."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from ledgerport.auth.passwords import hash_password

LEDGERPORT = str(Path(sys.executable).parent / "ledgerport")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        assert isinstance(port, int)
        return port


def ledgerport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERPORT_")}
    return subprocess.run(
        [LEDGERPORT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def user_entry(name: str, password: str) -> str:
    return (
        f'[[users]]\nusername = "{name}"\npassword_hash = "{hash_password(password)}"\n'
        "allow_sys = true\ncompanies = []\n"
    )


class Server:
    def __init__(self, cwd: Path, *args: str) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERPORT_")}
        self.process = subprocess.Popen(
            [LEDGERPORT, "serve", "--port", str(self.port), *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.cwd = cwd
        self.insecure = "--insecure-http" in args
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line)

    def wait_for_output(self, text: str, times: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while sum(text in line for line in self.lines) < times:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not seen {times} times: {''.join(self.lines)}")
            time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"{'http' if self.insecure else 'https'}://localhost:{self.port}"

    def client(self, auth: tuple[str, str] | None = None) -> httpx.Client:
        verify: ssl.SSLContext | bool = False
        if not self.insecure:
            verify = ssl.create_default_context(
                cafile=str(self.cwd / "ledgerport-tls/localhost.crt")
            )
        return httpx.Client(base_url=self.url, verify=verify, auth=auth, timeout=10)

    def wait_ready(self, timeout: float = 30) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                self.reader.join(5)
                raise AssertionError(f"server exited: {''.join(self.lines)}")
            try:
                with self.client() as client:
                    if client.get("/healthz").status_code == 200:
                        return time.monotonic() - start
            except (httpx.TransportError, ssl.SSLError, FileNotFoundError):
                time.sleep(0.1)
        raise AssertionError("server did not answer in time")

    def stop(self) -> str:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.reader.join(10)
        return "".join(self.lines)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "ledgerport.toml").write_text(user_entry("ops", "ops-pw"), encoding="utf-8")
    result = ledgerport("init", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path


def test_init_is_idempotent(workdir: Path) -> None:
    again = ledgerport("init", cwd=workdir)
    assert again.returncode == 0, again.stderr
    assert "database ready" in again.stdout
    assert "0 changes" in again.stdout


def test_a_bad_settings_file_is_refused_with_key_and_reason(tmp_path: Path) -> None:
    (tmp_path / "ledgerport.toml").write_text("[server]\nport = 0\n", encoding="utf-8")
    result = ledgerport("init", cwd=tmp_path)
    assert result.returncode == 2
    assert "server.port" in result.stdout


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    result = ledgerport("serve", "--port", str(free_port()), cwd=tmp_path)
    assert result.returncode == 2
    assert "ledgerport init" in result.stdout


def test_serve_makes_a_certificate_and_answers_over_https(workdir: Path) -> None:
    server = Server(workdir)
    try:
        server.wait_ready()
        assert (workdir / "ledgerport-tls/localhost.crt").exists()
        # The process that answers is the one started (signals reach it), and it no longer
        # carries the command line's libraries (typer brings pydantic's compiled core).
        pid = server.process.pid
        assert b"ledgerport.server" in Path(f"/proc/{pid}/cmdline").read_bytes()
        assert "pydantic_core" not in Path(f"/proc/{pid}/maps").read_text()
        with server.client() as client:
            assert client.get("/readyz").json()["status"] == "ready"
        with server.client(("ops", "ops-pw")) as client:
            assert client.get("/api/sys/companies").status_code == 200
        with httpx.Client(timeout=5) as plain, pytest.raises(httpx.TransportError):
            plain.get(f"http://localhost:{server.port}/healthz")
    finally:
        server.stop()


def test_sighup_reloads_users_and_keeps_the_old_settings_when_the_file_is_bad(
    workdir: Path,
) -> None:
    server = Server(workdir)
    try:
        server.wait_ready()
        settings = workdir / "ledgerport.toml"
        settings.write_text(user_entry("ops", "ops-pw") + user_entry("new", "new-pw"), "utf-8")
        os.kill(server.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        with server.client(("new", "new-pw")) as client:
            while client.get("/api/sys/companies").status_code != 200:
                assert time.monotonic() < deadline, "the new user never worked"
                time.sleep(0.2)
        settings.write_text("[server]\nnonsense = true\n", "utf-8")
        os.kill(server.process.pid, signal.SIGHUP)
        time.sleep(1)
        with server.client(("new", "new-pw")) as client:
            assert client.get("/api/sys/companies").status_code == 200
        assert server.process.poll() is None
    finally:
        output = server.stop()
    assert "reload refused" in output
    assert "server.nonsense: unknown key" in output


def test_serve_with_several_workers_survives_a_bad_file_on_sighup(workdir: Path) -> None:
    server = Server(workdir, "--workers", "2", "--insecure-http")
    try:
        server.wait_ready(60)
        with server.client(("ops", "ops-pw")) as client:
            statuses = {client.get("/api/sys/companies").status_code for _ in range(20)}
        assert statuses == {200}
        (workdir / "ledgerport.toml").write_text("[server]\nnonsense = 1\n", "utf-8")
        os.kill(server.process.pid, signal.SIGHUP)
        server.wait_for_output("Started server process", 4)  # both workers restarted
        server.wait_ready(60)
        with server.client(("ops", "ops-pw")) as client:
            statuses = {client.get("/api/sys/companies").status_code for _ in range(20)}
        assert statuses == {200}
    finally:
        output = server.stop()
    assert output.count("Started server process") >= 4
    assert "keeping the one the server started with" in output
