"""xAPI statements to a learning record store, as they happen (issue 25).

With `XAPI_LRS_URL` set, grading an attempt queues its statements in the same transaction
(`core.signals.attempt_graded`), and right after the commit the due ones are sent, unless the LRS failed
lately and is backed off; `flask xapi send` (cron, every minute) sends whatever is due. Without the
setting nothing is queued.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context, request

from ..clock import utcnow
from ..core import signals
from ..core.catalog import get_catalog
from ..extensions import db
from . import outbox
from .client import poster

log = logging.getLogger("course")
_connected = False


def _base_url() -> str:
    if current_app.config.get("BASE_URL"):
        return current_app.config["BASE_URL"].rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else "http://127.0.0.1:5000"


def lrs_poster(app: Flask) -> outbox.Post:
    config = app.config
    return poster(
        config["XAPI_LRS_URL"], config["XAPI_LRS_USERNAME"], config["XAPI_LRS_PASSWORD"], config["XAPI_LRS_TIMEOUT"]
    )


def _queue(attempt, now, **_) -> None:
    if current_app.config.get("XAPI_LRS_URL"):
        g.xapi_queued = outbox.queue_attempt(
            attempt, get_catalog(), _base_url(), current_app.config["COURSE_NAME"], now
        )


def _send(_slug, **_) -> None:
    """After the grade's commit: send what is due now. The attempt is saved whatever happens here, and
    what is not sent stays queued for `flask xapi send`, so a failure is logged, never shown."""
    app = current_app._get_current_object()
    if not app.config.get("XAPI_LRS_URL") or not g.pop("xapi_queued", 0):
        return
    now = utcnow()
    try:
        if not outbox.backing_off(now):
            delivery = outbox.send_due(lrs_poster(app), now, limit=outbox.BATCH)
            if delivery.error:
                log.warning("xAPI statements not sent, will retry: %s", delivery.error)
    except Exception:  # the grade is committed; delivery is retried by the command
        db.session.rollback()
        log.exception("xAPI delivery failed; the statements stay queued")


def init_app(app: Flask) -> None:
    global _connected
    from .cli import bp

    app.register_blueprint(bp)
    if not _connected:  # signals are process-wide; the listeners read each app's own settings
        signals.attempt_graded.connect(_queue, weak=False)
        signals.attempt_submitted.connect(_send, weak=False)
        _connected = True
