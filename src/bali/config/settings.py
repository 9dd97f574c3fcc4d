"""Django settings, all read from `BALI_*` environment variables (see `bali.config.env`).

Defaults suit a laptop: SQLite in `./data`, console e-mail, a secret key generated once and kept
in the data folder. Production sets BALI_DEBUG=0 and its own values; `bali check --deploy` is
then clean.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from bali.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.env_str("BALI_DATA_DIR", str(Path.cwd() / "data"))).resolve()


def _secret_key() -> str:
    """The key from the environment, else one generated on first start and kept on disk.

    Generating it keeps `make run` a single command without shipping a known key.
    """
    key = env.env_str("BALI_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env.env_bool("BALI_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.env_list("BALI_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.env_list("BALI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "bali.core",
    "bali.reference",
    "bali.accounts",
    "bali.organisations",
    "bali.activities",
    "bali.search",
    "bali.iati",
    "bali.requests",
    "bali.portal",
    "bali.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "bali.portal.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bali.config.urls"
WSGI_APPLICATION = "bali.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bali.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.database_config(env.env_str("BALI_DATABASE_URL"), DATA_DIR),
}
if env.env_str("BALI_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env.env_str("BALI_TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# The six official UN languages; URL prefixes are these codes (/ar/, /zh-hans/, /en/, ...).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS: list[Path] = [PACKAGE_DIR / "config" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
MEDIA_ROOT = Path(env.env_str("BALI_MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MAX_UPLOAD_MB = env.env_int("BALI_MAX_UPLOAD_MB", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

globals().update(env.email_config(env.env_str("BALI_EMAIL_URL")))
DEFAULT_FROM_EMAIL = env.env_str("BALI_DEFAULT_FROM_EMAIL", "clearinghouse@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict when debug is off, as `check --deploy` expects.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.env_bool("BALI_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.env_int("BALI_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "bali": {"handlers": ["console"], "level": env.env_str("BALI_LOG_LEVEL", "INFO")},
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bali",
    }
}

NINJA_PAGINATION_PER_PAGE = 20

# Request workflow deadlines, in working days (Monday to Friday), per step.
BALI_REQUEST_DEADLINES = {
    "acknowledge": 10,
    "decide": 30,
    "assign": 10,
    "start": 30,
}
# Public holidays left out of the working days of request deadlines: 2026-12-25, or 12-25 yearly.
BALI_REQUEST_HOLIDAYS = env.env_list("BALI_REQUEST_HOLIDAYS", [])
# Largest document attached to a request, in megabytes (PDF, Office files, images).
BALI_ATTACHMENT_MAX_MB = env.env_int("BALI_ATTACHMENT_MAX_MB", 10)
# Address of the site as people reach it, for links in e-mail (no trailing slash).
SITE_URL = env.env_str("BALI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
