"""What the app tells its operator: request ids, one JSON access line per request, every unhandled error
with its traceback, and the error page that needs nothing but the template.

- Request id: an incoming ``X-Request-ID`` is kept when it is well formed (1 to 64 letters, digits, ``.``,
  ``_`` or ``-``), otherwise a new one is made. It is returned in the ``X-Request-ID`` header, added to
  every log line of the request, and shown on the 500 page so a trainee can quote it.
- Access log (logger ``course.access``): one JSON object per request with the method, the route template
  (``/attempts/<int:attempt_id>``, never the raw path, which may carry codes), the status, the duration
  in milliseconds, the user id (only when the request already loaded the user: logging never queries)
  and the request id.
- Errors (logger ``course``): every unhandled exception, with its traceback and the request id.

Lines go to standard error (gunicorn and systemd collect it) as JSON, or as text with LOG_FORMAT=text.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import inspect
from werkzeug.local import LocalProxy

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(vars(logging.makeLogRecord({})))
access_log = logging.getLogger("course.access")
error_log = logging.getLogger("course")


def request_id() -> str | None:
    """The current request's id (made on first use), or None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def loaded_user_id() -> int | None:
    """The id of the user this request has already loaded, read without a query (after a database
    error the session is rolled back and an ORM user, as logging in leaves one, is expired: reading its
    `id` would query)."""
    user = g.get("_login_user")
    if user is None or isinstance(user, LocalProxy):
        # `login_user(current_user)` stores the proxy itself: reading it would recurse forever.
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_sa_instance_state"):  # the loader's read-only copy (identity/signed_in.py)
        return getattr(user, "id", None)
    identity = inspect(user).identity
    return identity[0] if identity else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class _RequestIdFilter(logging.Filter):
    """Adds the request id to every record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(app: Flask) -> None:
    """Install the handler once per process on the `course` logger (every `create_app` shares it)."""
    logger = logging.getLogger("course")
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.addFilter(_RequestIdFilter())
        logger.addHandler(handler)
        # Flask adds its own handler to app.logger (`course`) unless one is there: this one replaces it.
    for handler in logger.handlers:
        if isinstance(handler, _StderrHandler):
            text = app.config.get("LOG_FORMAT") == "text"
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
                if text
                else JsonFormatter()
            )
    # Flask-Limiter says when Redis is unreachable and when it is back; it only has a NullHandler.
    limiter_log = logging.getLogger("flask-limiter")
    limiter_log.setLevel(logging.INFO)
    for handler in logger.handlers:
        if isinstance(handler, _StderrHandler) and handler not in limiter_log.handlers:
            limiter_log.addHandler(handler)
    if not any(isinstance(f, _RequestIdFilter) for f in logger.filters):
        logger.addFilter(_RequestIdFilter())
    access_log.propagate = True


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    rule = request.url_rule.rule if request.url_rule is not None else None
    access_log.info(
        "%s %s %s",
        request.method,
        rule or "<no route>",
        response.status_code,
        extra={
            "method": request.method,
            "path": rule,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": loaded_user_id(),
            "request_id": request_id(),
        },
    )
    for hook in current_app.extensions.get("observability.after", ()):
        hook(request, response, duration_ms)
    return response


def log_unhandled(error: BaseException) -> None:
    """Log an exception no handler turned into a response: traceback, request id, route and user."""
    error_log.error(
        "Unhandled %s on %s %s: %s",
        type(error).__name__,
        request.method,
        request.url_rule.rule if request.url_rule is not None else request.path,
        str(error).splitlines()[0] if str(error) else "",
        exc_info=(type(error), error, error.__traceback__),
        extra={"request_id": request_id(), "user_id": loaded_user_id()},
    )


TRACEBACK_EVERY_SECONDS = 60.0
_last_traceback = {"at": float("-inf")}


def log_database_unavailable(error: BaseException) -> None:
    """One line per request that found the database away: the reason, the route, the request id. The
    traceback rides along at most once a minute per process: an outage used to write a 9-kB traceback
    per request, 5 MB in 20 s (reliability audit 2026-12, F6)."""
    now = time.monotonic()
    with_traceback = now - _last_traceback["at"] >= TRACEBACK_EVERY_SECONDS
    if with_traceback:
        _last_traceback["at"] = now
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    error_log.error(
        "Database unavailable on %s %s: %s",
        request.method,
        request.url_rule.rule if request.url_rule is not None else request.path,
        reason[0] if reason else type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if with_traceback else None,
        extra={"request_id": request_id(), "user_id": loaded_user_id()},
    )


def init_app(app: Flask) -> None:
    configure_logging(app)
    # First of the before-request hooks, so the timer starts before the user is loaded.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_finish)
    app.jinja_env.globals["request_id"] = request_id
