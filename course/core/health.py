"""Health checks for load balancers and supervisors, and one clear line when the database is unreachable.

- ``GET /healthz``: the process is up and serving (200). Touches neither the database nor Redis.
- ``GET /readyz``: ready for traffic: the database answers ``SELECT 1`` within READY_TIMEOUT_SECONDS (the
  app's own limit, core/stall.py: a stalled database gets a 503, not a hung check) and, on SQLite, its
  folder has room to write. 200, or 503 with a JSON body naming what failed: only the component's name,
  unless the caller sends the metrics token (the detail, which names the database host, port and user,
  always goes to the log). When the rate limits live in Redis (``RATELIMIT_STORAGE_URI=redis://...``) and
  Redis does not answer, the app still serves fully (limits are counted in memory meanwhile): 200 with
  ``"status": "degraded"`` and ``degraded: ["redis"]``, so a balancer never takes every instance out for
  it. A load balancer should route on /readyz; a supervisor restarts on /healthz.

Both are plain GETs (no CSRF), need no log-in, are exempt from rate limits and are never cached.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..extensions import db, limiter
from . import stall
from .metrics import has_metrics_token
from .observability import error_log

_last_state: dict[str, str] = {}

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


def _log_change(name: str, result: str, level: int) -> None:
    """Log a check's result when it changes, not on every poll (39 lines per instance in 20 s before)."""
    if _last_state.get(name) != result:
        _last_state[name] = result
        if result == "ok":
            error_log.info("Ready again: %s", name)
        else:
            error_log.log(level, "Not ready: %s", result)


def _database() -> str:
    try:
        with stall.at_most(current_app.config["READY_TIMEOUT_SECONDS"]):
            db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:
        with contextlib.suppress(Exception):  # the connection is gone; the check already said so
            db.session.rollback()
        return describe_database_error(db.engine.url, error)


def _sqlite_disk() -> str | None:
    """On SQLite, room to write in the database's folder (the -wal grows there); None on a server."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    free = shutil.disk_usage(Path(url.database).parent).free
    if free >= current_app.config["READY_MIN_FREE_BYTES"]:
        return "ok"
    return f"Only {free // 1024} KiB free beside the SQLite database {url.database}: writes will fail"


@bp.get("/readyz")
@limiter.exempt
def readyz():
    checks: dict[str, str] = {"database": _database()}
    disk = _sqlite_disk()
    if disk is not None:
        checks["disk"] = disk
    if str(current_app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        checks["redis"] = "ok" if limiter.storage.check() else "Redis (RATELIMIT_STORAGE_URI) does not answer a ping"
    for name, result in checks.items():
        _log_change(name, result, logging.WARNING if name == "redis" else logging.ERROR)
    degraded = ["redis"] if checks.get("redis", "ok") != "ok" else []
    failed = sorted(name for name, result in checks.items() if result != "ok" and name not in degraded)
    if (failed or degraded) and not has_metrics_token():  # the detail (host, port, database, user) is in the log
        checks = {name: "ok" if result == "ok" else "unavailable" for name, result in checks.items()}
    status = "unavailable" if failed else "degraded" if degraded else "ok"
    body = jsonify(status=status, failed=failed, degraded=degraded, checks=checks)
    return _no_store(body), 503 if failed else 200
