"""Django settings, read from the environment so one install serves every deployment.

Embedded default: a SQLite file and an outbox folder under ``RELANCE_DATA``
(default ``./relance-data``). Production: ``RELANCE_DATABASE_URL`` pointing at
PostgreSQL and ``RELANCE_SMTP_HOST`` at a relay.

=========================  ====================================================
variable                   meaning
=========================  ====================================================
RELANCE_DATA               data directory (database, outbox, documents)
RELANCE_DATABASE_URL       ``sqlite:///path`` or ``postgresql://user@host:port/db``
RELANCE_SMTP_HOST/PORT     SMTP relay; without it messages go to the outbox folder
RELANCE_SMTP_USER/PASSWORD SMTP credentials
RELANCE_SMTP_TLS           ``starttls`` (default with a user), ``ssl`` or ``none``
RELANCE_SMTP_VERIFY        ``0`` to skip certificate checks (a relay with a private CA:
                           prefer RELANCE_SMTP_CA_FILE)
RELANCE_SMTP_RATE          messages per minute per SMTP server (0: no limit)
RELANCE_BROKER_URL         Celery broker (redis://… or amqp://…); unset: in-process
RELANCE_QUEUE              Celery queue name
RELANCE_SEND_FSYNC         ``1`` to fsync the send journal after each accepted message
RELANCE_SECRET_KEY         Django secret key (a development one by default); also seals
                           the organizations' SMTP passwords (``relance.web.sealed``)
RELANCE_DEBUG              ``1`` for Django's debug pages
RELANCE_ALLOWED_HOSTS      comma-separated host names
=========================  ====================================================
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("RELANCE_DATA", "relance-data")).resolve()
OUTBOX_DIR = DATA_DIR / "outbox"
DOCUMENTS_DIR = DATA_DIR / "documents"


def database_from_url(url: str) -> dict:
    """A Django DATABASES entry from ``sqlite:///file`` or ``postgresql://…`` URLs."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # IMMEDIATE: a transaction takes the write lock when it begins, so two requests
        # writing at once wait their turn instead of failing with "database is locked"
        # when the second tries to turn its read into a write.
        return {"ENGINE": "django.db.backends.sqlite3",
                "NAME": unquote(parts.path[1:]) or ":memory:",
                "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"}}
    if parts.scheme in ("postgres", "postgresql"):
        return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
                "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname or "", "PORT": str(parts.port or ""),
                "CONN_MAX_AGE": 60}
    raise ValueError(f"RELANCE_DATABASE_URL: unsupported scheme {parts.scheme!r} "
                     "(expected sqlite:/// or postgresql://)")


DATABASES = {"default": database_from_url(
    os.environ.get("RELANCE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'relance.sqlite3'}"))}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests run on a real SQLite file, like the embedded default, not in memory.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-relance.sqlite3")}

SECRET_KEY = os.environ.get("RELANCE_SECRET_KEY", "relance-development-key-change-me-in-production")
DEBUG = os.environ.get("RELANCE_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("RELANCE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # its templates and files: the API's documentation page without a CDN
    "relance.ledger",
    "relance.dunning",
    "relance.messaging",
    "relance.documents",
    "relance.reports",
    "relance.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "relance.urls"
WSGI_APPLICATION = "relance.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# The send window's 09:00 and 17:00 defaults are meant as fixed times; Django warns about
# a fixed time default whenever a command happens to start within ten seconds of it.
SILENCED_SYSTEM_CHECKS = ["fields.W161"]
STATIC_URL = "static/"

# Our own SMTP settings (Django's EMAIL_* settings are deprecated in favour of MAILERS,
# and Relance's sender needs retries and threading of its own anyway).
RELANCE_SMTP = {
    "host": os.environ.get("RELANCE_SMTP_HOST", ""),
    "port": int(os.environ.get("RELANCE_SMTP_PORT", "25")),
    "user": os.environ.get("RELANCE_SMTP_USER", ""),
    "password": os.environ.get("RELANCE_SMTP_PASSWORD", ""),
    "tls": os.environ.get("RELANCE_SMTP_TLS",
                          "starttls" if os.environ.get("RELANCE_SMTP_USER") else "none"),
    "verify": os.environ.get("RELANCE_SMTP_VERIFY", "1") != "0",
    "ca_file": os.environ.get("RELANCE_SMTP_CA_FILE", ""),
    "timeout": int(os.environ.get("RELANCE_SMTP_TIMEOUT", "30")),
    "rate_per_minute": int(os.environ.get("RELANCE_SMTP_RATE", "0")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"relance": {"handlers": ["console"],
                            "level": os.environ.get("RELANCE_LOG", "WARNING")},
                # A server error's traceback, for the operator (Django would only mail
                # it to ADMINS, which an install rarely sets).
                "django.request": {"handlers": ["console"], "level": "ERROR",
                                   "propagate": False}},
}

# --- web interface ---
# Accounts, static files and the organization context of the web pages (relance.web).
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_NAME = "relance_language"
TEMPLATES[0]["OPTIONS"]["context_processors"].append("relance.web.context.interface")
# French unless the user picks English (not the browser's language): see relance.web.language.
MIDDLEWARE[MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware")] = \
    "relance.web.language.LanguageMiddleware"
# The API's 404 and 405 as its JSON errors, worded in the language chosen above.
MIDDLEWARE.append("relance.api.problems.JsonProblems")
# Password-reset links go out through Django's mailer: the SMTP relay when one is set,
# otherwise a file per message in the outbox folder, like the reminders.
MAILERS = {"default": {
    "BACKEND": "relance.web.mailer.EmailBackend",
    "OPTIONS": {"host": RELANCE_SMTP["host"], "port": RELANCE_SMTP["port"],
                "username": RELANCE_SMTP["user"], "password": RELANCE_SMTP["password"],
                "use_tls": RELANCE_SMTP["tls"] == "starttls",
                "use_ssl": RELANCE_SMTP["tls"] == "ssl", "timeout": 30},
} if RELANCE_SMTP["host"] else {
    "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "OPTIONS": {"file_path": str(OUTBOX_DIR / "accounts")},
}}
DEFAULT_FROM_EMAIL = os.environ.get("RELANCE_FROM_EMAIL", "relance@localhost")
# --- end web interface ---
