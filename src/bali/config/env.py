"""Reading the `BALI_*` environment variables.

Kept apart from `settings.py` so the parsing rules can be unit-tested without reloading Django
settings, and so every variable the project reads is listed in one place (`DOCUMENTED`), which a
test compares with the README.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url

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
    "BALI_ATTACHMENT_MAX_MB": "largest document attached to a request, in megabytes",
    "BALI_SITE_URL": "address of the site for links in e-mail",
    "BALI_REQUEST_HOLIDAYS": "public holidays left out of request deadlines",
}


# scheme → (STARTTLS, implicit TLS, default port)
SMTP_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+tls": (True, False, 587),
    "submission": (True, False, 587),
    "smtps": (False, True, 465),
    "smtp+ssl": (False, True, 465),
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
    return dict(config)


def email_config(url: str) -> dict[str, Any]:
    """Translate BALI_EMAIL_URL into Django EMAIL_* settings; console output by default.

    `smtp://user:pass@host:25`, `smtp+tls://...:587` (STARTTLS), `smtps://...:465` (TLS from the
    start), `console://`, `memory://` (kept in memory, for tests). User and password may be
    percent-encoded.
    """
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith(("memory:", "locmem:")):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlsplit(url)
    if parsed.scheme not in SMTP_SCHEMES or not parsed.hostname:
        raise ConfigError(
            "BALI_EMAIL_URL must be console://, memory://, smtp://, smtp+tls:// or smtps:// "
            "with a host name"
        )
    try:
        port = parsed.port
    except ValueError as exc:
        raise ConfigError(f"BALI_EMAIL_URL has a bad port: {exc}") from exc
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname,
        "EMAIL_PORT": port or SMTP_SCHEMES[parsed.scheme][2],
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": SMTP_SCHEMES[parsed.scheme][0],
        "EMAIL_USE_SSL": SMTP_SCHEMES[parsed.scheme][1],
        "EMAIL_TIMEOUT": 20,
    }
