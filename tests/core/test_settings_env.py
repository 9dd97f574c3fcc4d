"""Settings from the environment: parsing rules, database URLs, e-mail URLs, deploy check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from bali.config import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool(raw: str, expected: bool) -> None:
    assert env.env_bool("X", not expected, {"X": raw}) is expected


def test_env_bool_default_and_error() -> None:
    assert env.env_bool("X", True, {}) is True
    with pytest.raises(env.ConfigError, match="X must be"):
        env.env_bool("X", True, {"X": "maybe"})


def test_env_int_and_list() -> None:
    assert env.env_int("N", 5, {"N": " 12 "}) == 12
    with pytest.raises(env.ConfigError):
        env.env_int("N", 5, {"N": "twelve"})
    assert env.env_list("H", ["a"], {"H": "x.org, y.org,,"}) == ["x.org", "y.org"]
    assert env.env_list("H", ["a"], {}) == ["a"]


def test_default_database_is_sqlite_with_wal(tmp_path: Path) -> None:
    config = env.database_config("", tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "bali.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout" in config["OPTIONS"]["init_command"]


def test_postgres_url(tmp_path: Path) -> None:
    config = env.database_config("postgresql://bali:pw@db.example.org:5433/bali", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example.org",
        5433,
        "bali",
        "bali",
    )


def test_unsupported_database_refused(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigError):
        env.database_config("mysql://u@h/db", tmp_path)


def test_email_urls() -> None:
    assert env.email_config("")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = env.email_config("smtp+tls://user:secret@mail.example.org:587")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "mail.example.org",
        587,
        True,
    )


def test_every_setting_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in env.DOCUMENTED if name not in readme]
    assert missing == []


def test_every_variable_read_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "bali").rglob("*.py"))
    used = set(re.findall(r"\"(BALI_[A-Z_]+)\"", source)) - {"BALI_REQUEST_DEADLINES"}
    used = {name for name in used if name in source and not name.endswith("_DEADLINES")}
    settings_names = {"BALI_DEMO_PASSWORD"}  # demo-only, documented under `bali demo`
    assert used - set(env.DOCUMENTED) - settings_names == set()


def _run_bali(
    args: list[str], extra_env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BALI_", "DJANGO_"))}
    environ.update({"BALI_DATA_DIR": str(tmp_path), **extra_env})
    return subprocess.run(
        [sys.executable, "-m", "bali", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_check_deploy_clean_with_production_values(tmp_path: Path) -> None:
    result = _run_bali(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "BALI_DEBUG": "0",
            "BALI_SECRET_KEY": secrets.token_urlsafe(50),
            "BALI_ALLOWED_HOSTS": "clearinghouse.example.org",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_generated_once_and_kept(tmp_path: Path) -> None:
    first = _run_bali(["diffsettings", "--all"], {}, tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    key = key_file.read_text()
    _run_bali(["diffsettings", "--all"], {}, tmp_path)
    assert key_file.read_text() == key


def test_email_url_variants() -> None:
    ssl = env.email_config("smtps://a%40b.org:p%2Fw@mail.example.org")
    assert (
        ssl["EMAIL_PORT"],
        ssl["EMAIL_USE_SSL"],
        ssl["EMAIL_HOST_USER"],
        ssl["EMAIL_HOST_PASSWORD"],
    ) == (465, True, "a@b.org", "p/w")
    assert env.email_config("memory://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    with pytest.raises(env.ConfigError):
        env.email_config("http://mail.example.org")
