"""Settings: the file and the environment, validated with the key and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerport.auth.passwords import hash_password
from ledgerport.config import ConfigError, load_settings

HASH = hash_password("pw")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ledgerport.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.server.port == 8443
    assert settings.server.default_page_size == 100
    assert settings.server.max_page_size == 1000
    assert settings.tokens.password_ttl == 7200
    assert settings.idempotency.ttl_seconds == 86400
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'ledgerport.db'}"


def test_relative_sqlite_path_resolves_against_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///data/erp.db"\n')
    settings = load_settings(path, environ={})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/data/erp.db"
    absolute = write(tmp_path, '[database]\nurl = "sqlite:////var/erp.db"\n')
    assert load_settings(absolute, environ={}).database_url == "sqlite:////var/erp.db"


def test_users_with_companies_and_number_series(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
[[users]]
username = "api"
password_hash = "{HASH}"
context_user = "ADMIN"
companies = [{{ company_no = 9999, number_series = [
  {{ field = "associates.customerNo", from = 10000, to = 19999 }} ] }}]
""",
    )
    user = load_settings(path, environ={}).users[0]
    assert user.scopes == ("read", "write", "webhooks")
    assert user.allow_basic is True
    assert user.allow_sys is False
    interval = user.companies[0].number_series[0]
    assert (interval.field, interval.from_, interval.to) == ("associates.customerNo", 10000, 19999)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nprot = 1\n", "server.prot: unknown key"),
        ("[nosuch]\nx = 1\n", "nosuch: unknown key"),
        ('[server]\nport = "high"\n', "server.port: Expected `int`"),
        ("[server]\nport = 70000\n", "server.port"),
        ("[server]\ndefault_page_size = 5000\n", "server.default_page_size"),
        ('[database]\nurl = "mysql://x"\n', "database.url"),
        ('[server]\ntls_cert = "a.pem"\n', "server.tls_cert"),
        ("this is = not toml [", "not valid TOML"),
        ('[[users]]\nusername = "u"\npassword_hash = "plain"\n', "users[0].password_hash"),
        (
            f'[[users]]\nusername = "u"\npassword_hash = "{HASH}"\nscopes = ["root"]\n',
            "users[0].scopes",
        ),
        (
            f'[[users]]\nusername = "u"\npassword_hash = "{HASH}"\n'
            f'[[users]]\nusername = "u"\npassword_hash = "{HASH}"\n',
            "appears twice",
        ),
        (
            f'[[users]]\nusername = "u"\npassword_hash = "{HASH}"\ncompanies = [{{ company_no = 1, '
            'number_series = [{ field = "associates.customerNo", from = 9, to = 1 }] }]\n',
            "from is above to",
        ),
    ],
)
def test_bad_files_are_refused_with_key_and_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(write(tmp_path, text), environ={})


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[server]\nport = 9000\n")
    env = {
        "LEDGERPORT_SERVER__PORT": "9443",
        "LEDGERPORT_DATABASE__URL": "postgresql://u@db/erp",
        "LEDGERPORT_WEBHOOKS__ALLOW_HTTP": "true",
        "LEDGERPORT_SERVER__TRUSTED_PROXIES": '["10.0.0.1"]',
        "UNRELATED": "1",
    }
    settings = load_settings(path, environ=env)
    assert settings.server.port == 9443
    assert settings.database_url == "postgresql://u@db/erp"
    assert settings.webhooks.allow_http is True
    assert settings.server.trusted_proxies == ("10.0.0.1",)


def test_bad_environment_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"server\.port"):
        load_settings(write(tmp_path, ""), environ={"LEDGERPORT_SERVER__PORT": "abc"})
    with pytest.raises(ConfigError, match=r"server\.nosuch: unknown key"):
        load_settings(write(tmp_path, ""), environ={"LEDGERPORT_SERVER__NOSUCH": "1"})


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "missing.toml", environ={})
