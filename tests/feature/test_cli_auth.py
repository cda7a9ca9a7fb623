"""``ledgerport users`` and ``ledgerport clients`` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from feature.test_cli import LEDGERPORT, ledgerport, user_entry


def run_with_input(cwd: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERPORT_")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [LEDGERPORT, *args],
        cwd=cwd,
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_users_and_clients_commands(tmp_path: Path) -> None:
    (tmp_path / "ledgerport.toml").write_text(user_entry("filed", "filed-pw-1"), encoding="utf-8")
    assert ledgerport("init", cwd=tmp_path).returncode == 0
    added = run_with_input(
        tmp_path, "carol-pw-12\n", "users", "add", "carol", "--company", "9999", "--scope", "read"
    )
    assert added.returncode == 0, added.stdout + added.stderr
    listed = run_with_input(tmp_path, "", "users", "list")
    assert "carol" in listed.stdout
    assert "filed" in listed.stdout
    assert "argon2" not in listed.stdout
    clash = run_with_input(tmp_path, "another-pw-1\n", "users", "add", "filed")
    assert clash.returncode == 1
    assert "already" in clash.stdout
    assert run_with_input(tmp_path, "", "users", "set-companies", "carol", "1000").returncode == 0
    assert run_with_input(tmp_path, "", "users", "disable", "carol").returncode == 0
    listed = run_with_input(tmp_path, "", "users", "list")
    carol = next(line for line in listed.stdout.splitlines() if "carol" in line)
    assert "1000" in carol
    assert "9999" not in carol
    assert "disabled" in carol
    refused = run_with_input(tmp_path, "", "users", "disable", "filed")
    assert refused.returncode == 1
    assert "settings file" in refused.stdout

    client = run_with_input(
        tmp_path,
        "",
        *("clients", "add", "My app", "--owner", "carol", "--grant", "authorization_code"),
        *("--redirect-uri", "http://localhost:8765/callback"),
    )
    assert client.returncode == 0, client.stdout + client.stderr
    client_id = client.stdout.split("client_id:")[1].split()[0]
    secret = client.stdout.split("client_secret:")[1].split()[0]
    assert secret.startswith("lps_")
    listed = run_with_input(tmp_path, "", "clients", "list")
    assert client_id in listed.stdout
    assert secret not in listed.stdout
    bad = run_with_input(
        tmp_path,
        "",
        "clients",
        "add",
        "x",
        "--owner",
        "carol",
        "--grant",
        "authorization_code",
        "--redirect-uri",
        "http://example.com/cb",
    )
    assert bad.returncode == 1
    assert "localhost" in bad.stdout
    assert run_with_input(tmp_path, "", "clients", "remove", client_id).returncode == 0
    assert client_id not in run_with_input(tmp_path, "", "clients", "list").stdout
