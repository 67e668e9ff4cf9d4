"""Prometheus metrics, with the official client, served at ``/metrics`` to whoever holds the token.

``/metrics`` answers only when METRICS_TOKEN is set and the request carries ``Authorization: Bearer
<METRICS_TOKEN>``; otherwise it is a 404 like any unknown page.

Metrics:
- ``course_http_requests_total{endpoint,method,status}``: requests answered, by route endpoint
- ``course_http_request_duration_seconds{endpoint}``: time to answer (histogram)
- ``course_quiz_attempts_started_total{module}``, ``course_quiz_attempts_submitted_total{module,passed}``
- ``course_login_failures_total``: log-ins refused for a wrong email or password (401)
- ``course_rate_limit_hits_total{endpoint}``: requests refused by a rate limit (429)

Several gunicorn workers: each worker is its own process with its own counters, so set
PROMETHEUS_MULTIPROC_DIR to an empty folder writable by the workers, in the environment gunicorn starts
with (the client reads it when it is imported); empty it at every start. The workers write their samples
there and /metrics adds them up (prometheus_client's MultiProcessCollector). In gunicorn.conf.py:
``def child_exit(server, worker): from prometheus_client import multiprocess;
multiprocess.mark_process_dead(worker.pid)``.
"""

from __future__ import annotations

import hmac
import os

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from ..extensions import limiter
from . import signals
from .observability import error_log

REQUESTS = Counter(
    "course_http_requests_total", "HTTP requests answered, by route endpoint", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "course_http_request_duration_seconds",
    "Time to answer a request, by route endpoint",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ATTEMPTS_STARTED = Counter("course_quiz_attempts_started_total", "Quiz attempts started", ["module"])
ATTEMPTS_SUBMITTED = Counter(
    "course_quiz_attempts_submitted_total", "Quiz attempts submitted and graded", ["module", "passed"]
)
LOGIN_FAILURES = Counter("course_login_failures_total", "Log-ins refused for a wrong email or password")
RATE_LIMITED = Counter("course_rate_limit_hits_total", "Requests refused by a rate limit (429)", ["endpoint"])

bp = Blueprint("metrics", __name__)


def _observe(req, response, duration_ms: float | None) -> None:
    try:
        endpoint = req.endpoint or "none"  # unknown addresses share one label
        REQUESTS.labels(endpoint, req.method, str(response.status_code)).inc()
        if duration_ms is not None:
            LATENCY.labels(endpoint).observe(duration_ms / 1000)
        if response.status_code == 429:
            RATE_LIMITED.labels(endpoint).inc()
        elif endpoint == "accounts.login" and response.status_code == 401:
            LOGIN_FAILURES.inc()
    except Exception:  # metrics never break a response
        error_log.warning("Recording metrics failed", exc_info=True)


def _started(module: str, **_) -> None:
    ATTEMPTS_STARTED.labels(module).inc()


def _submitted(module: str, passed: bool | None = None, **_) -> None:
    ATTEMPTS_SUBMITTED.labels(module, str(bool(passed)).lower()).inc()


def has_metrics_token() -> bool:
    """The request carries `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); never
    true while METRICS_TOKEN is unset. /metrics and the detail of /readyz answer only to it."""
    token = current_app.config.get("METRICS_TOKEN")
    presented = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(presented.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
@limiter.exempt
def metrics():
    if not has_metrics_token():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    app.extensions.setdefault("observability.after", []).append(_observe)
    signals.attempt_started.connect(_started, weak=False)
    signals.attempt_submitted.connect(_submitted, weak=False)
    app.register_blueprint(bp)
