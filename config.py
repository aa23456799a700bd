"""Configuration classes read from the environment: Development, Testing, Production."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused by Production


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_base_url() -> str:
    """BASE_URL, else the address `make run` serves on (its PORT, 5000 by default)."""
    port = os.environ.get("PORT", "5000")
    return os.environ.get("BASE_URL") or f"http://127.0.0.1:{port}"


class Config:
    SITE_NAME = os.environ.get("SITE_NAME", "Consult")
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'consult.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Europe/Brussels")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    SERVER_NAME = os.environ.get("SERVER_NAME")
    # Where the site is reached; e-mails written outside a request (cron jobs) link there.
    BASE_URL = default_base_url()
    # Mail: everything goes through the outbox; `flask consult send-mail` delivers.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "15"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Consult <no-reply@consult.invalid>")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    DEV_MAILBOX = False
    # Rate limits (Flask-Limiter); Redis when configured so every worker shares the counts.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")  # per client address
    PASSWORD_MIN_LENGTH = 12
    COMMENT_MAX_LENGTH = int(os.environ.get("COMMENT_MAX_LENGTH", "5000"))
    # Signed declaration PDFs: where they are kept (default instance/signatures) and how large.
    SIGNATURE_UPLOAD_DIR = os.environ.get("SIGNATURE_UPLOAD_DIR") or None
    SIGNATURE_MAX_BYTES = int(os.environ.get("SIGNATURE_MAX_BYTES", str(5 * 1024 * 1024)))
    # Attachments (position papers): shared store (several hosts may mount it), limits.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR") or None  # default instance/attachments
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
    ATTACHMENT_MAX_FILES = 5
    ATTACHMENT_MAX_PAGES = int(os.environ.get("ATTACHMENT_MAX_PAGES", "300"))
    ATTACHMENT_EXTRACT_SECONDS = float(os.environ.get("ATTACHMENT_EXTRACT_SECONDS", "10"))
    # A whole request: five files at the limit plus the form (larger: the 413 page).
    MAX_CONTENT_LENGTH = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 1024 * 1024
    TOKEN_MAX_AGE_SECONDS = 60 * 60 * 24 * 2
    RESET_TOKEN_MAX_AGE_SECONDS = 60 * 60 * 2
    PAGE_SIZE = 50
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # The body running the site, shown in the privacy notice (each a setting, none hard-coded).
    CONTROLLER_NAME = os.environ.get("CONTROLLER_NAME", "The public body running this consultation")
    CONTROLLER_ADDRESS = os.environ.get("CONTROLLER_ADDRESS", "Address not configured")
    CONTROLLER_EMAIL = os.environ.get("CONTROLLER_EMAIL", "privacy@consult.invalid")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "dpo@consult.invalid")
    SUPERVISORY_AUTHORITY = os.environ.get(
        "SUPERVISORY_AUTHORITY", "the data-protection authority of your country"
    )
    LEGAL_BASIS = os.environ.get(
        "LEGAL_BASIS",
        "Article 6(1)(e) GDPR (or Article 5(1)(a) of Regulation (EU) 2018/1725 for an EU "
        "institution): a task carried out in the public interest, the public consultation",
    )
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "accessibility@consult.invalid")
    ACCESSIBILITY_CHECKED_ON = os.environ.get("ACCESSIBILITY_CHECKED_ON", "2026-11-28")
    # Retention (days), applied by `flask consult purge` (run daily); 0 keeps for ever.
    UNVERIFIED_ACCOUNT_DAYS = int(os.environ.get("UNVERIFIED_ACCOUNT_DAYS", "30"))
    SENT_MAIL_BODY_DAYS = int(os.environ.get("SENT_MAIL_BODY_DAYS", "90"))
    PENDING_COMMENT_DAYS = int(os.environ.get("PENDING_COMMENT_DAYS", "2"))
    AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "0"))
    # Updates by e-mail: a confirmation link lasts this many hours; unconfirmed subscriptions
    # and unsubscribed ones are deleted after these many days.
    UPDATES_CONFIRM_HOURS = int(os.environ.get("UPDATES_CONFIRM_HOURS", "48"))
    UPDATES_PENDING_DAYS = int(os.environ.get("UPDATES_PENDING_DAYS", "7"))
    UPDATES_UNSUBSCRIBED_DAYS = int(os.environ.get("UPDATES_UNSUBSCRIBED_DAYS", "30"))
    # The mailto: of List-Unsubscribe (a mailbox somebody reads); MAIL_FROM's address if unset.
    MAIL_UNSUBSCRIBE_ADDRESS = os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS", "")
    # Number of proxies (load balancer, nginx) in front of the app whose X-Forwarded-* to trust.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))


class Development(Config):
    """Only when CONSULT_ENV=development is set explicitly (make run, make demo, the e2e server)."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    DEBUG = False  # the Werkzeug debugger is never exposed, even locally
    DEV_MAILBOX = True
    TEMPLATES_AUTO_RELOAD = True


class Testing(Config):
    TESTING = True
    BASE_URL = "http://localhost"
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    DEV_MAILBOX = True
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 0
    PASSWORD_MIN_LENGTH = 12
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR") or str(
        Path(tempfile.gettempdir()) / f"consult-test-attachments-{os.getuid()}"
    )


class Production(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Requests for any other Host are refused (400); defaults to BASE_URL's host.
    TRUSTED_HOSTS = [
        h.strip()
        for h in os.environ.get("TRUSTED_HOSTS", urlsplit(Config.BASE_URL).hostname or "").split(
            ","
        )
        if h.strip()
    ]
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        """Refuse to start without a real secret and an explicit database."""
        secret = os.environ.get("SECRET_KEY", "")
        if not secret or secret == DEV_SECRET or len(secret) < 32:
            raise RuntimeError("Production needs SECRET_KEY set to a random string of 32+ chars")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL (PostgreSQL)")
        storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        if _bool("RATELIMIT_ENABLED", True) and storage.startswith("memory"):
            # Counts kept in one worker's memory are not shared: with N workers or hosts every
            # limit (sign-in attempts, resets, reports) would allow N times as many.
            raise RuntimeError(
                "Production needs RATELIMIT_STORAGE_URI set to a shared store "
                "(redis://host:6379/0): counted in memory, each worker would count alone"
            )


CONFIGS: dict[str, type[Config]] = {
    "development": Development,
    "testing": Testing,
    "production": Production,
}
