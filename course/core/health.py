"""Health checks for load balancers and supervisors, and one clear line when the database is unreachable.

- ``GET /healthz``: the process is up and serving (200). Touches neither the database nor Redis.
- ``GET /readyz``: ready for traffic: the database answers ``SELECT 1`` and, when the rate limits live
  in Redis (``RATELIMIT_STORAGE_URI=redis://...``), Redis answers a ping. 200, or 503 with a JSON body
  naming what failed: only the component's name, unless the caller sends the metrics token (the
  detail, which names the database host, port and user, always goes to the log). A load balancer
  should route on /readyz; a supervisor restarts on /healthz.

Both are plain GETs (no CSRF), need no log-in, are exempt from rate limits and are never cached.
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..extensions import db, limiter
from .metrics import has_metrics_token
from .observability import error_log

bp = Blueprint("health", __name__)


def describe_database_error(url, error: BaseException) -> str:
    """One line for an operator: what failed, which host and database, the driver's reason; no password."""
    parsed = make_url(str(url)) if not hasattr(url, "get_backend_name") else url
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        where = f"the SQLite database {parsed.database or ':memory:'}"
    else:
        names = {"postgresql": "PostgreSQL", "mysql": "MySQL"}
        where = (
            f"the {names.get(backend, backend)} database '{parsed.database}' on "
            f"{parsed.host or 'localhost'}:{parsed.port or 'default port'} as user '{parsed.username}'"
        )
    cause = str(getattr(error, "orig", None) or error).strip().splitlines()
    reason = cause[0] if cause else type(error).__name__
    if parsed.password:
        reason = reason.replace(str(parsed.password), "***")
    return f"Cannot connect to {where}: {reason} (check DATABASE_URL)"


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
@limiter.exempt
def readyz():
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = describe_database_error(db.engine.url, error)
        error_log.error("Not ready: %s", checks["database"])
        with contextlib.suppress(Exception):  # the connection is gone; the check above already said so
            db.session.rollback()
    if str(current_app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        checks["redis"] = "ok" if limiter.storage.check() else "Redis (RATELIMIT_STORAGE_URI) does not answer a ping"
        if checks["redis"] != "ok":
            error_log.error("Not ready: %s", checks["redis"])
    failed = sorted(name for name, result in checks.items() if result != "ok")
    if failed and not has_metrics_token():  # the detail (host, port, database, user) is in the log
        checks = {name: "ok" if result == "ok" else "unavailable" for name, result in checks.items()}
    body = jsonify(status="unavailable" if failed else "ok", failed=failed, checks=checks)
    return _no_store(body), 503 if failed else 200
