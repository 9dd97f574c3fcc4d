"""Reading the `BALI_*` environment variables.

Kept apart from `settings.py` so the parsing rules can be unit-tested without reloading Django
settings, and so every variable the project reads is listed in one place (`DOCUMENTED`), which a
test compares with the README.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

# Every environment variable the project reads, with a one-line meaning. The README documents
# each; tests/core/test_settings_env.py fails when one is missing there.
DOCUMENTED: dict[str, str] = {
    "BALI_DATABASE_URL": "database URL; default SQLite file in BALI_DATA_DIR",
    "BALI_DATA_DIR": "folder for the default SQLite database and media",
    "BALI_SECRET_KEY": "Django secret key (required when BALI_DEBUG is off)",
    "BALI_DEBUG": "debug mode",
    "BALI_ALLOWED_HOSTS": "comma-separated host names",
    "BALI_CSRF_TRUSTED_ORIGINS": "comma-separated origins for CSRF behind a proxy",
    "BALI_MEDIA_ROOT": "folder for uploaded files",
    "BALI_EMAIL_URL": "SMTP URL, or console:// (default)",
    "BALI_DEFAULT_FROM_EMAIL": "sender address of outgoing mail",
    "BALI_SECURE_SSL_REDIRECT": "redirect HTTP to HTTPS (default on when debug is off)",
    "BALI_HSTS_SECONDS": "Strict-Transport-Security max-age when debug is off",
    "BALI_MAX_UPLOAD_MB": "largest accepted upload, in megabytes",
    "BALI_TEST_POSTGRES_URL": "make test also runs the suite on this PostgreSQL",
    "BALI_TEST_DB_NAME": "name of the throw-away test database (parallel runs)",
    "BALI_LOG_LEVEL": "log level of the bali loggers",
}


class ConfigError(ValueError):
    """A BALI_* variable holds a value the project cannot use."""


def env_str(name: str, default: str = "", environ: dict[str, str] | None = None) -> str:
    source = os.environ if environ is None else environ
    return source.get(name, default).strip()


def env_bool(name: str, default: bool, environ: dict[str, str] | None = None) -> bool:
    raw = env_str(name, "", environ).lower()
    if raw == "" and name not in (os.environ if environ is None else environ):
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, environ: dict[str, str] | None = None) -> int:
    raw = env_str(name, "", environ)
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}") from exc


def env_list(name: str, default: list[str], environ: dict[str, str] | None = None) -> list[str]:
    raw = env_str(name, "", environ)
    if raw == "":
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def database_config(url: str, data_dir: Path) -> dict[str, Any]:
    """Turn BALI_DATABASE_URL into a Django DATABASES entry.

    SQLite gets WAL journaling and a busy timeout so that the web server, an import running in
    another process and a management command can share one file without "database is locked".
    """
    if not url:
        url = f"sqlite:///{data_dir / 'bali.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ConfigError(f"BALI_DATABASE_URL is not a database URL: {exc}") from exc
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
            ),
        }
    elif engine != "django.db.backends.postgresql":
        raise ConfigError("BALI_DATABASE_URL must point to SQLite or PostgreSQL")
    return config


def email_config(url: str) -> dict[str, Any]:
    """Translate BALI_EMAIL_URL into Django EMAIL_* settings; console by default."""
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("memory:") or url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    try:
        parsed = dj_email_url.parse(url)
    except Exception as exc:
        raise ConfigError(f"BALI_EMAIL_URL is not a mail URL: {exc}") from exc
    return {
        "EMAIL_BACKEND": parsed["EMAIL_BACKEND"],
        "EMAIL_HOST": parsed["EMAIL_HOST"],
        "EMAIL_PORT": parsed["EMAIL_PORT"],
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"],
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"],
        "EMAIL_USE_TLS": parsed["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": parsed["EMAIL_USE_SSL"],
        "EMAIL_TIMEOUT": parsed.get("EMAIL_TIMEOUT") or 20,
    }
