"""Settings: defaults, then the environment, then the overrides a caller (a test) passes in.

Every setting is listed in README.md. Nothing here is a credential: a development secret key is made
on first run and kept in `instance/`, and production refuses to start without one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'course.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


SECRET_KEY_MIN_BYTES = 32


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise RuntimeError("SECRET_KEY must be set when COURSE_ENV=production")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def content_dirs() -> tuple[Path, Path]:
    """Where the lessons and quizzes are: the project's own folders unless the environment says otherwise."""
    return (
        Path(os.environ.get("LESSONS_DIR", PROJECT_ROOT / "lessons")),
        Path(os.environ.get("QUIZZES_DIR", PROJECT_ROOT / "quizzes")),
    )


def _list(value: str | None) -> list[str] | None:
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    return items or None


def _check_production(config: dict[str, Any]) -> None:
    """Refuse to start with settings that are only safe on a developer's machine."""
    if len(str(config["SECRET_KEY"]).encode()) < SECRET_KEY_MIN_BYTES:
        raise RuntimeError(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes in production; "
            'make one with: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if not config.get("TRUSTED_HOSTS") and not config.get("SERVER_NAME"):
        raise RuntimeError(
            "Set TRUSTED_HOSTS (or SERVER_NAME) in production, so links on certificates and in exports "
            "never use a Host header a visitor made up"
        )
    if not config.get("BASE_URL"):
        raise RuntimeError(
            "Set BASE_URL in production (the site's public address, e.g. https://course.example.org): "
            "every link in an email is built on it, never on the Host header of the request that sent it"
        )


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _mail_config(instance_path: Path) -> dict[str, Any]:
    """Email and account settings (issue 13). With no MAIL_SERVER, messages go to the log and the outbox."""
    env = os.environ.get
    return {
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL", False),
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "Ketamine staff course <no-reply@localhost>"),
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT", "10")),
        "MAIL_OUTBOX_DIR": Path(env("MAIL_OUTBOX_DIR", instance_path / "outbox")),
        "BASE_URL": env("BASE_URL") or None,
        "REQUIRE_VERIFIED_EMAIL_FOR_CERTIFICATE": _flag("REQUIRE_VERIFIED_EMAIL_FOR_CERTIFICATE", True),
        "VERIFY_EMAIL_MAX_AGE": int(env("VERIFY_EMAIL_MAX_AGE", str(7 * 24 * 3600))),
        "RESET_PASSWORD_MAX_AGE": int(env("RESET_PASSWORD_MAX_AGE", "3600")),
        "INVITATION_DAYS": int(env("INVITATION_DAYS", "14")),
        "INVITATION_MAX_ROWS": int(env("INVITATION_MAX_ROWS", "1000")),
        "UPLOAD_MAX_BYTES": int(env("UPLOAD_MAX_BYTES", str(1024 * 1024))),
        "MAIL_RATE_LIMIT": env("MAIL_RATE_LIMIT", "5 per hour"),
        "MAIL_ADDRESS_RATE_LIMIT": env("MAIL_ADDRESS_RATE_LIMIT", "20 per hour"),
        "REMINDER_INACTIVE_DAYS": int(env("REMINDER_INACTIVE_DAYS", "14")),
        "STATS_MIN_RESPONSES": int(env("STATS_MIN_RESPONSES", "20")),
        # A trainee's own share of marks on a theme is drawn as a bar from this many answers on; fewer: "too few".
        "MASTERY_MIN_ANSWERS": int(env("MASTERY_MIN_ANSWERS", "5")),
    }


def _interop_config(instance_path: Path) -> dict[str, Any]:
    """A learning record store to send xAPI statements to, and this app as an LTI 1.3 tool (issue 25)."""
    env = os.environ.get
    return {
        "XAPI_LRS_URL": env("XAPI_LRS_URL") or None,  # the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/
        "XAPI_LRS_USERNAME": env("XAPI_LRS_USERNAME") or None,
        "XAPI_LRS_PASSWORD": env("XAPI_LRS_PASSWORD") or None,
        "XAPI_LRS_TIMEOUT": float(env("XAPI_LRS_TIMEOUT", "5")),
        # The tool's private keys: outside the repository, in the instance folder unless set.
        "LTI_KEY_DIR": Path(env("LTI_KEY_DIR", instance_path / "lti-keys")),
        "LTI_TIMEOUT": float(env("LTI_TIMEOUT", "10")),
        # http:// platform URLs: development and tests only (the platform's endpoints must be https otherwise).
        "LTI_ALLOW_HTTP": env("COURSE_ENV", "development") != "production" and _flag("LTI_ALLOW_HTTP", False),
    }


def _refresher_config() -> dict[str, Any]:
    """Spaced refreshers (issue 23): the FSRS scheduler's settings and the size of a refresher."""
    env = os.environ.get
    weights = _list(env("REFRESHER_FSRS_PARAMETERS"))
    return {
        "REFRESHER_DESIRED_RETENTION": float(env("REFRESHER_DESIRED_RETENTION", "0.9")),
        "REFRESHER_MAXIMUM_INTERVAL_DAYS": int(env("REFRESHER_MAXIMUM_INTERVAL_DAYS", "180")),
        "REFRESHER_FSRS_PARAMETERS": tuple(float(w) for w in weights) if weights else None,
        "REFRESHER_MIN_QUESTIONS": int(env("REFRESHER_MIN_QUESTIONS", "3")),
        "REFRESHER_MAX_QUESTIONS": int(env("REFRESHER_MAX_QUESTIONS", "5")),
        "REFRESHER_FRESH_DAYS": int(env("REFRESHER_FRESH_DAYS", "30")),
    }


def build_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    overrides = overrides or {}
    production = os.environ.get("COURSE_ENV", "development") == "production"
    config: dict[str, Any] = {
        "PRODUCTION": production,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "LESSONS_DIR": content_dirs()[0],
        "QUIZZES_DIR": content_dirs()[1],
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "fixed-window",  # throttle.give_back relies on plain counters
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 5 minutes"),
        "REGISTER_RATE_LIMIT": os.environ.get("REGISTER_RATE_LIMIT", "30 per hour"),
        "JOIN_RATE_LIMIT": os.environ.get("JOIN_RATE_LIMIT", "10 per minute"),
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "30 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not stop log-ins: count in memory meanwhile (logged), go back when it answers.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
        # static/session.js warns this long before the idle time-out, with a button to stay logged in.
        "SESSION_WARNING_SECONDS": int(os.environ.get("SESSION_WARNING_SECONDS", "180")),
        "SESSION_MAX_DAYS": int(os.environ.get("SESSION_MAX_DAYS", "14")),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "TRUSTED_HOSTS": _list(os.environ.get("TRUSTED_HOSTS")),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # a trainee may read a lesson for hours before pressing a button
        "PROPAGATE_EXCEPTIONS": False if production else None,
        "PASSWORD_HASH_METHOD": "scrypt",
        # Logs: JSON lines on standard error (LOG_FORMAT=text for people reading a terminal).
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json"),
        # /metrics answers only to `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN"),
        # Shown in every page title, on the certificate and in exports; set once here.
        "COURSE_NAME": os.environ.get("COURSE_NAME", "Ketamine staff course"),
        "COURSE_TITLE": os.environ.get("COURSE_TITLE", "Ketamine: uses, mechanism, risks and legal status"),
        "TEMPLATES_AUTO_RELOAD": False if production else None,  # production never re-reads templates
    }
    if os.environ.get("SERVER_NAME"):
        config["SERVER_NAME"] = os.environ["SERVER_NAME"]
    config.update(_mail_config(instance_path))
    config.update(_database_limits())
    config.update(_interop_config(instance_path))
    config.update(_refresher_config())
    config.update(_certificate_config())
    config.update(overrides)
    _check_certificate_logo(config.get("CERTIFICATE_LOGO"))
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance_path, production)
    if config["PRODUCTION"]:
        _check_production(config)
        # `__Host-`: the browser keeps the cookie only if Secure, on Path=/ and without Domain, so no
        # sibling subdomain can set or shadow it (ASVS 5.0 3.3.1, 3.3.3).
        config.setdefault("SESSION_COOKIE_NAME", "__Host-session")
    if str(config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://")):
        # Fail fast when Redis is away (the in-memory fallback takes over) instead of hanging requests.
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _postgresql_options(config))
    return config


LOGO_TYPES = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<svg"}


def _certificate_config() -> dict[str, Any]:
    """Who issues the certificate, printed on its PDF and page (issue 24, T13). Installation settings, each
    optional: unset, the certificate names no organisation, no signatory and shows no logo."""
    env = os.environ.get
    logo = (env("CERTIFICATE_LOGO") or "").strip()
    return {
        "CERTIFICATE_ISSUER": (env("CERTIFICATE_ISSUER") or "").strip() or None,
        "CERTIFICATE_SIGNATORY_NAME": (env("CERTIFICATE_SIGNATORY_NAME") or "").strip() or None,
        "CERTIFICATE_SIGNATORY_TITLE": (env("CERTIFICATE_SIGNATORY_TITLE") or "").strip() or None,
        "CERTIFICATE_LOGO": Path(logo) if logo else None,
    }


def _check_certificate_logo(path: Path | None) -> None:
    """A logo that is set must be a PNG or SVG file that can be read: refuse to start otherwise, rather than
    print a certificate with a hole where the logo should be."""
    if path is None:
        return
    signature = LOGO_TYPES.get(Path(path).suffix.lower())
    if signature is None:
        raise RuntimeError(f"CERTIFICATE_LOGO must be a .png or .svg file, not {path}")
    try:
        head = Path(path).read_bytes()[:4096]
    except OSError as error:
        raise RuntimeError(f"CERTIFICATE_LOGO {path} cannot be read: {error.strerror}") from None
    if signature not in head:
        raise RuntimeError(f"CERTIFICATE_LOGO {path} is not a {Path(path).suffix.lower()[1:].upper()} image")


def _database_limits() -> dict[str, Any]:
    """How long the app waits for its database, each below gunicorn's 30-s worker timeout, so a database
    that stalls costs a request a 503 page and one log line, not a killed worker (README, "Operating it")."""
    env = os.environ.get
    return {
        "DATABASE_CONNECT_TIMEOUT": int(env("DATABASE_CONNECT_TIMEOUT", "2")),  # seconds, libpq's
        "DATABASE_STATEMENT_TIMEOUT_MS": int(env("DATABASE_STATEMENT_TIMEOUT_MS", "10000")),  # the server's
        "DATABASE_LOCK_TIMEOUT_MS": int(env("DATABASE_LOCK_TIMEOUT_MS", "5000")),  # the server's
        "DATABASE_STALL_SECONDS": float(env("DATABASE_STALL_SECONDS", "12")),  # the app's, core/stall.py
        "DATABASE_POOL_TIMEOUT": float(env("DATABASE_POOL_TIMEOUT", "3")),  # waiting for a free connection
        "READY_TIMEOUT_SECONDS": float(env("READY_TIMEOUT_SECONDS", "1")),  # /readyz's database check
        # SQLite: /readyz is 503 "disk" below this much free space beside the database (writes would fail).
        "READY_MIN_FREE_BYTES": int(env("READY_MIN_FREE_BYTES", str(16 * 1024 * 1024))),
    }


def _postgresql_options(config: dict[str, Any]) -> dict[str, Any]:
    statement, lock = config["DATABASE_STATEMENT_TIMEOUT_MS"], config["DATABASE_LOCK_TIMEOUT_MS"]
    options = f"-c statement_timeout={statement} -c lock_timeout={lock}"
    return {
        "pool_pre_ping": True,
        "pool_timeout": config["DATABASE_POOL_TIMEOUT"],
        "connect_args": {"connect_timeout": config["DATABASE_CONNECT_TIMEOUT"], "options": options},
    }
